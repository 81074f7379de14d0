"""The archive package (案卷): built by the worker after the archiving step or on demand, or not built when
conversion fails or an attachment changed; the package's own contents and verification are in
test_archive_verification.py (one package shared by its tests)."""
import io
import json
import zipfile

from review_service.jobs.worker import work_once

from .packages import REPORT, decided_case, stub_converter, verify


def test_on_demand_builds_need_a_decided_case_of_ones_own_agency(as_user, app):
    handler = as_user("handler")
    case_id = handler.submit()["id"]
    refused = handler.post(f"/api/v1/cases/{case_id}/archive-packages")
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "case_not_decided")
    assert as_user("reviewer").post(f"/api/v1/cases/{case_id}/archive-packages").status_code == 403
    assert as_user("other.handler").post(f"/api/v1/cases/{case_id}/archive-packages").status_code == 404


def test_on_demand_build_of_a_decided_case_and_other_agencies_get_404(as_user, app, monkeypatch, tmp_path):
    from review_service.archives import pdf
    monkeypatch.setattr(pdf, "SOFFICE", stub_converter(tmp_path))  # who may build and fetch, not the PDFs
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

    files, rest = document_files([Entry("市监罚1号-审核意见书/第1轮-v1", b"%PDF-1.7 made"), Entry("送审表-v1", None)])
    assert rest == []
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


def test_the_retention_period_comes_from_the_profile(as_user, app, monkeypatch, tmp_path):
    from review_service.archives import package as builder
    from review_service.archives import pdf
    monkeypatch.setattr(builder, "profile_of_case", lambda case_id: {"retention": "10_years"})
    monkeypatch.setattr(pdf, "SOFFICE", stub_converter(tmp_path))  # the manifest, not the PDFs
    case_id = decided_case(as_user)
    as_user("head").post(f"/api/v1/cases/{case_id}/archive-packages")
    with app.app_context():
        assert [r.outcome for r in work_once("w")] == ["done"]
    [package] = as_user("head").get(f"/api/v1/cases/{case_id}/archive-packages").get_json()["items"]
    data = as_user("head").get(f"/api/v1/archive-packages/{package['id']}/download").data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["archive"]["retention_period"] == {"code": "10_years", "label": "定期10年"}
