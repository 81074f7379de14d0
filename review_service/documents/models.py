"""Generated documents of a case (never overwritten: a regeneration is a new version) and the number counters."""
from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model, db

PENDING, DONE, FAILED, OFF = "pending", "done", "failed", "off"  # OFF: made while DOCUMENT_PDF was off


class CaseDocument(Model):
    """One version of one document of a case.

    `subject` names what the document records inside the case (e.g. "opinion:2:review", "task:<id>",
    "submission"); versions of one subject count 1, 2, ... and keep the same number (文号). `context` is
    what the case said when the document was made (facts change in later rounds); the DOCX is rendered
    from it and the template in force, the PDF converted from that DOCX by the worker.
    """

    __tablename__ = "case_documents"
    __table_args__ = (UniqueConstraint("case_id", "subject", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # opinion | submission | coordination | discussion
    subject: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    round: Mapped[int] = mapped_column(Integer, default=1)
    number: Mapped[str | None] = mapped_column(String(100))  # 文号 (opinions only)
    context: Mapped[dict] = mapped_column(db.JSON, default=dict)
    template: Mapped[str | None] = mapped_column(String(300))  # e.g. demo-gd-samr/documents/opinion.docx
    template_sha256: Mapped[str | None] = mapped_column(String(64))
    docx = deferred(mapped_column(LargeBinary, nullable=True))
    docx_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf = deferred(mapped_column(LargeBinary, nullable=True))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_status: Mapped[str] = mapped_column(String(16), default=PENDING)
    pdf_attempts: Mapped[int] = mapped_column(Integer, default=0)
    pdf_error: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rendered_at = mapped_column(UTCDateTime, nullable=True)
    converted_at = mapped_column(UTCDateTime, nullable=True)

    created_by = relationship("User", viewonly=True)


class DocumentCounter(Model):
    """The last number given in a series (文号) of an agency in a year; its row is locked while numbering."""

    __tablename__ = "document_counters"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    series: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
