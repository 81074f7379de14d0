"""`flask review verify-attachments`: every attachment's file present with the SHA-256 recorded at upload."""
from review_service.attachments.models import Attachment
from review_service.attachments.service import attachment_path
from review_service.extensions import db

from ..factories import PDF, upload_attachment


def _upload(api, name: str) -> str:
    response = upload_attachment(api, PDF, name)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _path(app, attachment_id: str):
    with app.app_context():
        return attachment_path(db.session.get(Attachment, attachment_id))


def test_files_as_uploaded_pass_and_changed_or_missing_files_are_named(app, runner, as_user):
    handler = as_user("handler")
    kept, changed, lost = (_upload(handler, f"{name}.pdf") for name in ("kept", "changed", "lost"))
    result = runner.invoke(args=["review", "verify-attachments"])
    assert result.exit_code == 0 and "3 files checked, 0 missing or changed" in result.output

    _path(app, changed).write_bytes(PDF + b"tampered")
    _path(app, lost).unlink()
    result = runner.invoke(args=["review", "verify-attachments"])
    assert result.exit_code == 1
    assert f"attachment {changed} (changed.pdf, case None): content differs from the upload" in result.output
    assert f"attachment {lost} (lost.pdf, case None): file missing" in result.output
    assert kept not in result.output and "3 files checked, 2 missing or changed" in result.output
