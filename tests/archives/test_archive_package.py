"""The archive package (案卷): built by the worker after the archiving step or on demand, verifiable,
and verification names every changed, missing or added file."""
import io
import json
import zipfile
from pathlib import Path

import pytest

from review_service.jobs.worker import work_once

from ..factories import decision, review

REPORT = "调查终结报告全文：当事人销售不合格电线电缆。".encode()


def decided_case(as_user) -> int:
    """A case with one uploaded attachment, reviewed (issues, then approve) and decided."""
    handler, reviewer, head = as_user("handler"), as_user("reviewer"), as_user("head")
    upload = handler.client.post("/api/v1/attachments", headers=handler.headers,
                                 data={"file": (io.BytesIO(REPORT), "调查终结报告.txt")})
    assert upload.status_code == 201, upload.get_json()
    materials = [{"name": "调查终结报告", "category": "investigation_report",
                  "attachment_ids": [upload.get_json()["id"]]},
                 {"name": "行政处罚决定书（代拟稿）", "category": "decision_draft"}]
    case_id = handler.submit(materials=materials)["id"]
    reviewer.complete(case_id, "accept_submission", {"result": "accept"})
    reviewer.complete(case_id, "review_case", review("issues"))
    handler.complete(case_id, "respond_to_opinion", {"action": "correct", "correction_summary": "已调整罚款",
                                                     "updated": {"fine_amount": 100000}})
    reviewer.complete(case_id, "review_case", review("approve"))
    head.complete(case_id, "record_decision", decision())
    return case_id


def archived(as_user, app) -> tuple[int, bytes]:
    """The decided case archived through its archiving step; the worker builds the package; its ZIP."""
    case_id = decided_case(as_user)
    handler = as_user("handler")
    handler.complete(case_id, "archive_case", {"archived_on": "2026-11-02", "archive_number": "2026-永久-007"})
    listing = handler.get(f"/api/v1/cases/{case_id}/archive-packages").get_json()
    assert listing["items"] == [] and listing["building"] is True  # the step only scheduled it
    with app.app_context():
        assert [r.outcome for r in work_once("test-worker")] == ["done"]
    listing = handler.get(f"/api/v1/cases/{case_id}/archive-packages").get_json()
    assert listing["building"] is False and len(listing["items"]) == 1
    package = listing["items"][0]
    response = handler.get(f"/api/v1/archive-packages/{package['id']}/download")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    return case_id, response.data


def rewritten(data: bytes, change) -> bytes:
    """The ZIP with change(name, content) -> new content or None (left out) applied to every file."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = change(name, source.read(name))
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


def verify(as_user, data: bytes) -> dict:
    response = as_user("handler").client.post("/api/v1/archive-packages/verify", headers=as_user("handler").headers,
                                             data={"file": (io.BytesIO(data), "案卷.zip")})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def package(as_user, app):
    return archived(as_user, app)


def test_the_package_holds_the_case_file_and_verifies(package, as_user, app, tmp_path, runner):
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


def test_on_demand_builds_need_a_decided_case_of_ones_own_agency(as_user, app):
    handler = as_user("handler")
    case_id = handler.submit()["id"]
    refused = handler.post(f"/api/v1/cases/{case_id}/archive-packages")
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "case_not_decided")
    assert as_user("reviewer").post(f"/api/v1/cases/{case_id}/archive-packages").status_code == 403
    assert as_user("other.handler").post(f"/api/v1/cases/{case_id}/archive-packages").status_code == 404


def test_on_demand_build_of_a_decided_case_and_other_agencies_get_404(as_user, app):
    case_id = decided_case(as_user)
    response = as_user("head").post(f"/api/v1/cases/{case_id}/archive-packages")
    assert response.status_code == 202 and response.get_json()["status"] == "scheduled"
    with app.app_context():
        assert [r.outcome for r in work_once("w")] == ["done"]
    [package] = as_user("head").get(f"/api/v1/cases/{case_id}/archive-packages").get_json()["items"]
    assert package["trigger"] == "on_demand" and package["requested_by"]["full_name"] == "head"
    other = as_user("other.head")
    assert other.get(f"/api/v1/archive-packages/{package['id']}/download").status_code == 404
    assert other.get(f"/api/v1/cases/{case_id}/archive-packages").status_code == 404
    assert as_user("supervisor").get(f"/api/v1/archive-packages/{package['id']}/download").status_code == 200


def test_not_a_zip_is_a_readable_failure(as_user):
    result = verify(as_user, b"not a zip at all")
    assert result["ok"] is False and result["problems"] == ["不是有效的 ZIP 文件"]


def test_documents_go_in_as_pdf_converted_when_their_pdf_is_not_made_yet(app):
    """document_files takes the document service's entries (file_name, title, pdf_bytes(), docx_bytes())."""
    from review_service.archives.history_document import history_docx
    from review_service.archives.package import document_files

    class Entry:
        def __init__(self, name, pdf):
            self.file_name, self.title, self.pdf = name, "审核意见书（第1轮）", pdf

        def pdf_bytes(self):
            return self.pdf

        def docx_bytes(self):
            metadata = {"agency": {"name": "市局"}, "case_number": "1", "title": "案", "proposed_decision": "罚",
                        "decision_type": {"label": "行政处罚"}, "party": {"name": "甲", "type_label": "自然人"},
                        "dates": {"submitted_at_beijing": ""}}
            return history_docx(metadata, [], [])

    files = document_files([Entry("市监罚1号-审核意见书/第1轮-v1", b"%PDF-1.7 made"), Entry("送审表-v1", None)])
    assert [f.path for f in files] == ["documents/市监罚1号-审核意见书_第1轮-v1.pdf", "documents/送审表-v1.pdf"]
    assert files[0].data == b"%PDF-1.7 made" and files[1].data.startswith(b"%PDF")


def test_a_failed_conversion_leaves_nothing_behind_and_is_retried(as_user, app, monkeypatch):
    from review_service.archives import pdf
    from review_service.archives.package import archives_dir
    case_id = decided_case(as_user)
    monkeypatch.setattr(pdf, "SOFFICE", "/nonexistent/soffice")
    assert as_user("head").post(f"/api/v1/cases/{case_id}/archive-packages").status_code == 202
    with app.app_context():
        [result] = work_once("w")
        assert result.outcome == "failed" and "LibreOffice" in result.error
        assert [path for path in archives_dir().rglob("*") if path.is_file()] == []  # no package, no part file
    listing = as_user("head").get(f"/api/v1/cases/{case_id}/archive-packages").get_json()
    assert listing["items"] == [] and listing["building"] is True  # the job waits for its retry
    events = as_user("head").get(f"/api/v1/cases/{case_id}/history").get_json()["events"]
    assert "archive.package_built" not in [e["action"] for e in events]


def test_an_attachment_changed_on_disk_fails_the_build(as_user, app):
    from review_service.attachments.models import Attachment
    from review_service.attachments.service import attachment_path
    from review_service.extensions import db
    case_id = decided_case(as_user)
    with app.app_context():
        attachment = db.session.scalars(db.select(Attachment).where(Attachment.case_id == case_id)).one()
        attachment_path(attachment).write_bytes(REPORT + b"!")
        db.session.remove()
    as_user("head").post(f"/api/v1/cases/{case_id}/archive-packages")
    with app.app_context():
        [result] = work_once("w")
    assert result.outcome == "failed" and "调查终结报告.txt" in result.error and "摘要不符" in result.error


def test_the_retention_period_comes_from_the_profile(as_user, app, monkeypatch):
    from review_service.archives import package as builder
    monkeypatch.setattr(builder, "profile_of_case", lambda case_id: {"retention": "10_years"})
    case_id = decided_case(as_user)
    as_user("head").post(f"/api/v1/cases/{case_id}/archive-packages")
    with app.app_context():
        assert [r.outcome for r in work_once("w")] == ["done"]
    [package] = as_user("head").get(f"/api/v1/cases/{case_id}/archive-packages").get_json()["items"]
    data = as_user("head").get(f"/api/v1/archive-packages/{package['id']}/download").data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["archive"]["retention_period"] == {"code": "10_years", "label": "定期10年"}
