"""Archive package helpers shared by the archive test modules: a decided case, its package built by the worker,
a ZIP rewritten file by file, a verification through the API."""
import io
import stat
import zipfile
from pathlib import Path

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


def stub_converter(folder: Path) -> str:
    """A stand-in for soffice that writes a one-line PDF per DOCX given (same arguments, same output names),
    for tests of what a build records rather than of its PDFs (those: test_archive_verification.py)."""
    script = folder / "stub-soffice"
    script.write_text('#!/bin/sh\nwhile [ $# -gt 0 ]; do case "$1" in --outdir) out="$2"; shift;; *.docx) '
                      'printf "%%PDF-1.7 stub\\n" > "$out/$(basename "$1" .docx).pdf";; esac; shift; done\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)
