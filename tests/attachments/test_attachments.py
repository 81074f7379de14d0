"""Uploads: size limit, content checks, agency scope, and binding to one case's materials."""
from datetime import UTC, datetime, timedelta

from ..factories import PDF, TEST_NOW, submission, upload_attachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def stored_files(app):
    root = app.config["ATTACHMENTS_DIR"]
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_upload_then_reference_from_the_submission(as_user, app):
    handler = as_user("handler")
    uploaded = upload_attachment(handler, PDF, "调查终结报告.pdf")
    assert uploaded.status_code == 201
    attachment = uploaded.get_json()
    assert attachment["content_type"] == "application/pdf" and attachment["size"] == len(PDF)
    uploaded_at = datetime.fromisoformat(attachment["uploaded_at"])  # the answer shows it (it once said null)
    assert timedelta(0) <= uploaded_at - datetime.fromisoformat(TEST_NOW).replace(tzinfo=UTC) < timedelta(minutes=1)
    case = handler.submit(materials=[{"name": "调查终结报告", "category": "investigation_report",
                                      "attachment_ids": [attachment["id"]]}])
    material = case["materials"][0]
    assert [a["id"] for a in material["attachments"]] == [attachment["id"]]
    download = as_user("reviewer").get(f"/api/v1/attachments/{attachment['id']}")
    assert download.status_code == 200 and download.data == PDF
    assert stored_files(app) == [attachment["id"]]


def test_an_attachment_belongs_to_one_case_only(as_user):
    handler = as_user("handler")
    attachment = upload_attachment(handler, PNG, "现场照片.png").get_json()
    materials = [{"name": "现场照片", "category": "evidence", "attachment_ids": [attachment["id"]]}]
    handler.submit(materials=materials)
    response = handler.post("/api/v1/cases", json=submission(case_number="第2号", materials=materials))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "attachment_invalid"
    assert "materials.0.attachment_ids" in error["fields"]
    assert [c["case_number"] for c in handler.get("/api/v1/cases").get_json()["items"]] == [submission()["case_number"]]


def test_other_agencies_can_neither_download_nor_reference(as_user):
    attachment = upload_attachment(as_user("handler"), PDF, "a.pdf").get_json()
    outsider = as_user("other.handler")
    assert outsider.get(f"/api/v1/attachments/{attachment['id']}").status_code == 404
    response = outsider.post("/api/v1/cases", json=submission(materials=[
        {"name": "x", "category": "other", "attachment_ids": [attachment["id"]]}]))
    assert response.status_code == 422


def test_mislabelled_executable_is_refused_and_not_kept(as_user, app):
    response = upload_attachment(as_user("handler"), b"MZ\x90\x00" + b"\x00" * 200, "report.pdf")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "attachment_type_refused"
    assert stored_files(app) == []


def test_extension_must_match_content(as_user):
    response = upload_attachment(as_user("handler"), PNG, "photo.pdf")
    assert response.status_code == 422


def test_oversized_and_empty_files_are_refused(as_user, app):
    limit = app.config["MAX_ATTACHMENT_BYTES"]
    too_big = upload_attachment(as_user("handler"), PDF + b"0" * limit, "big.pdf")
    assert too_big.status_code == 422
    assert too_big.get_json()["error"]["code"] == "attachment_too_large"
    empty = upload_attachment(as_user("handler"), b"", "empty.txt")
    assert empty.status_code == 422
    assert stored_files(app) == []


def test_upload_without_file_field(as_user):
    response = as_user("handler").client.post("/api/v1/attachments", headers=as_user("handler").headers,
                                              content_type="multipart/form-data", data={})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"file": ["必填"]}


def test_a_chinese_text_file_whose_first_8_kib_end_inside_a_character_is_accepted(as_user, app):
    content = "甲" + "调查终结报告" * 2000  # 3-byte characters: byte 8192 falls inside one
    assert len(content.encode("utf-8")) > 8192 and 8192 % 3 != 0
    response = upload_attachment(as_user("handler"), content.encode("utf-8"), "调查终结报告.txt")
    assert response.status_code == 201, response.get_json()
    assert upload_attachment(as_user("handler"), b"\xff\xfe" + b"x" * 100, "bad.txt").status_code == 422
