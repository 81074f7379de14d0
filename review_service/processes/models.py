"""Process versions (parsed once, stored once) and the running instance state of each case."""
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model, db


class ProcessVersion(Model):
    """One published version of a process for an agency (agency_id NULL: the national default)."""

    __tablename__ = "process_versions"
    __table_args__ = (UniqueConstraint("agency_id", "process_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(100))
    number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    sources: Mapped[dict] = mapped_column(db.JSON, deferred=True)  # file name -> BPMN/DMN text
    spec_json: Mapped[str] = mapped_column(Text, deferred=True)  # serialized spec + subprocess specs
    lanes: Mapped[dict] = mapped_column(db.JSON)  # lane label -> lane id
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # NULL: the CLI or first use
    note: Mapped[str | None] = mapped_column(Text)  # the designer's change note (说明), NULL from the CLI
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class WorkflowInstance(Model):
    """The engine state of one case, without the spec; `revision` increases on every save."""

    __tablename__ = "workflow_instances"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    process_hash: Mapped[str] = mapped_column(String(64))  # the version's content hash, for the spec cache
    state: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
