"""The worker job that renders a document's DOCX and converts it to PDF.

The slow part (rendering, LibreOffice) runs in the job's preparation, in a read-only unit of work
before the job's own transaction, so it holds no lock (on SQLite: not the database's write lock).
The job's transaction then stores what the preparation made, or records the failure on the document
and in the case history and schedules another attempt; after DOCUMENT_PDF_MAX_ATTEMPTS it stops.
The DOCX stays downloadable whatever happens to the PDF.
"""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from ..audit.service import record_event
from ..cases.workflow import lock_case
from ..db_types import utcnow
from ..extensions import db
from .models import DONE, FAILED, PENDING, CaseDocument
from .render import DocumentFailed, convert_to_pdf, sha256
from .service import CONVERT_JOB, rendered_docx, schedule_conversion, store_docx

RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
__all__ = ["CONVERT_JOB", "convert_document", "prepare_conversion"]


@dataclass
class Converted:
    rendered: tuple | None = None  # (DOCX, template path) when the DOCX was not stored yet
    pdf: bytes | None = None
    error: str | None = None


def prepare_conversion(payload: dict) -> Converted | None:
    """Render (if not stored yet) and convert, outside the job's transaction. None: nothing to do."""
    document = db.session.get(CaseDocument, payload["document_id"])
    if document is None or document.pdf_status == DONE:
        return None
    rendered = None
    try:
        if document.docx is None:
            rendered = rendered_docx(document)
        return Converted(rendered, pdf=convert_to_pdf(rendered[0] if rendered else document.docx))
    except DocumentFailed as exc:
        return Converted(rendered, error=str(exc))


def convert_document(job) -> None:
    """Store the DOCX and the PDF the preparation made, or record why not and try again later."""
    converted = getattr(job, "prepared", None)
    document = db.session.get(CaseDocument, job.payload["document_id"])
    if document is None or document.pdf_status == DONE or converted is None:
        return
    try:
        store_docx(document, converted.rendered)
    except DocumentFailed as exc:
        converted = Converted(error=str(exc))
    if converted.error is None:
        assert converted.pdf is not None  # a preparation without an error converted the PDF
        document.pdf, document.pdf_sha256 = converted.pdf, sha256(converted.pdf)
        document.pdf_status, document.pdf_error, document.converted_at = DONE, None, utcnow()
        return
    _record_failure(document, converted.error)


def _record_failure(document, error: str) -> None:
    document.pdf_attempts += 1
    document.pdf_error = error[:2000]
    final = document.pdf_attempts >= current_app.config["DOCUMENT_PDF_MAX_ATTEMPTS"]
    document.pdf_status = FAILED if final else PENDING
    if not final:
        delay = RETRY_AFTER[min(document.pdf_attempts, len(RETRY_AFTER)) - 1]
        schedule_conversion(document.id, document.case_id, attempt=document.pdf_attempts, due_at=utcnow() + delay)
    case = lock_case(document.case_id)  # last, and briefly: the history chain's head is on the case row
    record_event(case, actor=None, action="document.pdf_failed",
                 data={"document_id": document.id, "kind": document.kind, "version": document.version,
                       "attempt": document.pdf_attempts, "final": final, "error": document.pdf_error})
