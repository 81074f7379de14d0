"""The due-job table: written in the same transaction as the state that needs the job."""
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model, db


class JobStatus(StrEnum):
    """A stored job is pending until done (then deleted) or out of attempts (an incident)."""

    PENDING = "pending"
    INCIDENT = "incident"


PENDING, INCIDENT = JobStatus.PENDING, JobStatus.INCIDENT


class JobQueue(StrEnum):
    """Which workers take a job: `default` holds the time-critical ones (deadline reminders and breaches,
    mail), `documents` the slow LibreOffice ones (PDF conversions, archive packages: seconds each)."""

    DEFAULT = "default"
    DOCUMENTS = "documents"


class DueJob(Model):
    """One job. Done jobs are deleted in the transaction that did their work; failures become incidents."""

    __tablename__ = "due_jobs"
    if TYPE_CHECKING:  # set by the worker before the handler runs (not mapped): what the kind's preparer returned
        prepared: object
    __table_args__ = (Index("ix_due_jobs_claimable", "status", "queue", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    queue: Mapped[str] = mapped_column(String(16), default=JobQueue.DEFAULT, server_default=JobQueue.DEFAULT.value)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    payload: Mapped[dict] = mapped_column(db.JSON, default=dict)
    due_at = mapped_column(UTCDateTime, nullable=False)
    next_attempt_at = mapped_column(UTCDateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    lock_owner: Mapped[str | None] = mapped_column(String(100))
    lock_expires_at = mapped_column(UTCDateTime, nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
