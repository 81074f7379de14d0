"""The archive package (案卷) built through the archiving step holds the case file and verifies, and
verification names every changed, missing or added file.

The tests only read one package, built once for the module (a decided case, archived, the worker's build:
the LibreOffice conversions cost seconds) on a module-scoped database (conftest.py: module_app); verifying
writes nothing, so each test finds the world as the first one did.
"""
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from ..factories import TEST_NOW, ApiClient
from .packages import REPORT, archived, rewritten, verify


@dataclass
class Built:
    app: Flask
    clients: dict[str, ApiClient]
    case_id: int
    data: bytes  # the package ZIP as downloaded

    def as_user(self, username: str) -> ApiClient:
        return self.clients[username]


@pytest.fixture(scope="module")
def built(module_app, database_template, session_clock) -> Built:
    session_clock.move_to(TEST_NOW)  # as every test starts (conftest.py: frozen_clock)
    clients = {name: ApiClient(module_app.test_client(), token) for name, token in database_template.tokens.items()}
    case_id, data = archived(clients.__getitem__, module_app)
    return Built(module_app, clients, case_id, data)


@pytest.fixture
def package(built) -> tuple[int, bytes]:
    return built.case_id, built.data


@pytest.fixture
def as_user(built):
    """The module's clients (the seeded users' tokens) on the module's database, not the per-test one."""
    return built.as_user


@pytest.fixture
def runner(built):
    return built.app.test_cli_runner()


def test_the_package_holds_the_case_file_and_verifies(package, as_user, tmp_path, runner):
    case_id, data = package
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        history = json.loads(archive.read("history/history.json"))
        assert archive.read("materials/01-调查终结报告/调查终结报告.txt") == REPORT
        assert archive.read("history/history.pdf").startswith(b"%PDF")
    assert {"manifest.json", "history/history.json", "history/history.pdf"} <= names
    assert {entry["path"] for entry in manifest["files"]} == names - {"manifest.json"}
    entry = manifest["archive"]
    assert (entry["fonds"]["name"], entry["archival_code"], entry["retention_period"]["label"]) == \
        ("市市场监督管理局", "2026-永久-007", "永久")
    assert (entry["document_number"], entry["year"]) == ("市监罚决〔2026〕1号", 2026)
    facts = manifest["case"]
    assert facts["party"] == {"type": "legal_person", "type_label": "法人或者其他组织", "name": "某某贸易有限公司"} or \
        facts["party"]["name"] == "某某贸易有限公司"
    assert facts["decision"]["passed_round"] == 2 and facts["decision_type"]["label"] == "行政处罚"
    head = manifest["seal"]["history_head"]
    assert head == {"seq": history["events"][-1]["seq"], "hash": history["events"][-1]["hash"]}
    assert verify(as_user, data) == {"ok": True, "changed": [], "missing": [], "unexpected": [], "problems": [],
                                     "files_checked": len(names) - 1, "case_number": "市监罚〔2026〕1号",
                                     "anchored": True}
    events = as_user("handler").get(f"/api/v1/cases/{case_id}/history").get_json()["events"]
    assert events[-1]["action"] == "archive.package_built" and events[-1]["data"]["chain_seq"] == head["seq"]
    path = tmp_path / "案卷.zip"
    path.write_bytes(data)
    result = runner.invoke(args=["review", "verify-archive", str(path)])
    assert result.exit_code == 0 and "校验通过" in result.output


def test_the_readable_history_pdf_has_the_chinese_text(package, tmp_path):
    """The PDF's text (pdftotext, poppler-utils) holds the case, the reply and the events, in Chinese."""
    import shutil
    import subprocess
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    _, data = package
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        (tmp_path / "history.pdf").write_bytes(archive.read("history/history.pdf"))
    text = subprocess.run(["pdftotext", str(tmp_path / "history.pdf"), "-"], capture_output=True, check=True,
                          text=True).stdout.replace(" ", "")
    for expected in ("重大执法决定法制审核案件办理记录", "某公司销售不合格产品案", "整改情况说明", "已调整罚款",
                     "罚款数额超出裁量基准，建议调整", "送审", "第2轮", "市监罚决〔2026〕1号"):
        assert expected in text, expected
    if shutil.which("pdftoppm"):  # page 1 as PNG, for people to look at
        artifacts = Path(__file__).resolve().parents[1] / "artifacts"
        artifacts.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                        str(tmp_path / "history.pdf"), str(artifacts / "archive_history_page1")], check=True)


def test_one_changed_byte_is_named(package, as_user, runner, tmp_path):
    _, data = package
    target = "materials/01-调查终结报告/调查终结报告.txt"
    forged = rewritten(data, lambda name, content:
                       content[:-1] + bytes([content[-1] ^ 1]) if name == target else content)
    result = verify(as_user, forged)
    assert (result["ok"], result["changed"], result["missing"]) == (False, [target], [])
    path = tmp_path / "forged.zip"
    path.write_bytes(forged)
    cli = runner.invoke(args=["review", "verify-archive", str(path)])
    assert cli.exit_code == 1 and f"已被修改：{target}" in cli.output


def test_a_missing_file_and_an_added_file_are_named(package, as_user):
    _, data = package
    edited = rewritten(data, lambda name, content: content.replace("永久".encode(), "定期10年".encode())
                       if name == "manifest.json" else content)
    assert verify(as_user, edited)["changed"] == ["manifest.json"]
    dropped = rewritten(data, lambda name, content: None if name == "history/history.pdf" else content)
    assert (verify(as_user, dropped)["missing"], verify(as_user, dropped)["ok"]) == (["history/history.pdf"], False)
    added = io.BytesIO(data)
    with zipfile.ZipFile(added, "a") as archive:
        archive.writestr("materials/补充.txt", "后加的文件")
    assert verify(as_user, added.getvalue())["unexpected"] == ["materials/补充.txt"]


def test_a_resealed_manifest_with_a_forged_history_is_not_anchored(package, as_user):
    """Whoever edits the history and recomputes every digest still fails: the case's own history disagrees."""
    from review_service.archives import manifest as mf
    _, data = package
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    manifest["seal"]["history_head"]["hash"] = "f" * 64
    forged = rewritten(data, lambda name, content: json.dumps(mf.seal(manifest)).encode()
                       if name == "manifest.json" else content)
    result = verify(as_user, forged)
    assert result["ok"] is False and result["anchored"] is False and result["changed"] == []
    assert any("history.json" in problem for problem in result["problems"])
