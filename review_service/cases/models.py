"""Cases under legal review, their materials, every round's opinion, the decision, and the rows of their human
steps (tasks: the record every package reads; tasks/ mirrors and works them)."""
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model, db

# GIN trigram indexes of the case list's search, made by migrations 8ed0f7b701ca and its successor only where
# PostgreSQL has pg_trgm (not expressible in the models; comparisons with the models skip them by name). The
# number's is of its spelling with every character but letters and digits replaced by 'x' (casework.search).
TRIGRAM_INDEXES = ("ix_cases_case_number_words_trgm", "ix_cases_title_trgm", "ix_cases_party_name_trgm")


class Case(Model):
    """A major enforcement decision submitted for legal review (送审案件)."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("agency_id", "case_number"),
                      Index("ix_cases_agency_status", "agency_id", "status"),  # the dashboard's cases per stage
                      # the case list's default order; on PostgreSQL a broad search walks it alone (casework.search)
                      Index("ix_cases_list_order", "created_at", "id",
                            postgresql_include=["agency_id", "case_number", "title", "party_name"]))

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    decision_type: Mapped[str] = mapped_column(String(32))
    party_type: Mapped[str] = mapped_column(String(16))
    party_name: Mapped[str] = mapped_column(String(200))
    facts: Mapped[str | None] = mapped_column(Text)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    proposed_decision: Mapped[str] = mapped_column(Text)
    fine_amount = mapped_column(Numeric(16, 2), nullable=False, default=0)
    confiscation_amount = mapped_column(Numeric(16, 2), nullable=False, default=0)
    sanctions: Mapped[list] = mapped_column(db.JSON, default=list)
    hearing_held: Mapped[bool] = mapped_column(Boolean, default=False)
    discretion: Mapped[str | None] = mapped_column(String(16))  # 裁量情节: lighter / mitigated / aggravated
    sector: Mapped[str | None] = mapped_column(String(64))  # 执法领域, for catalog rules by sector
    power_source: Mapped[str | None] = mapped_column(String(64))  # 职权来源, for catalog rules by source of power
    filed_on = mapped_column(Date, nullable=True)  # 立案日期
    complexity: Mapped[dict] = mapped_column(db.JSON, default=dict)
    handler_opinion: Mapped[str | None] = mapped_column(Text)
    review_required: Mapped[bool] = mapped_column(Boolean)
    review_required_reasons: Mapped[list] = mapped_column(db.JSON, default=list)
    status: Mapped[str] = mapped_column(String(32), index=True)
    round: Mapped[int] = mapped_column(Integer, default=0)
    passed_round: Mapped[int | None] = mapped_column(Integer)  # set only by an approving opinion
    opinion_round: Mapped[int | None] = mapped_column(Integer)  # round of the latest opinion
    history_seq: Mapped[int] = mapped_column(Integer, default=0)  # head of the history hash chain
    history_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)
    handler_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    closed_at = mapped_column(UTCDateTime, nullable=True)

    # viewonly: read-only links, written through their *_id column (assigning one is not saved); a flush
    # walks every writable relationship of every row it writes, about a third of a task completion's flush.
    agency = relationship("Agency")
    handler = relationship("User", foreign_keys=[handler_id], viewonly=True)
    reviewer = relationship("User", foreign_keys=[reviewer_id])
    materials: Mapped[list["Material"]] = relationship(order_by="Material.id", viewonly=True)
    opinions: Mapped[list["Opinion"]] = relationship(order_by="Opinion.id", viewonly=True)
    decision: Mapped["Decision | None"] = relationship(uselist=False, viewonly=True)
    deadlines = relationship("Deadline", order_by="Deadline.id", viewonly=True)

    @property
    def review_passed(self) -> bool:
        return self.passed_round is not None and self.passed_round == self.round


class Material(Model):
    """One item of the case file (送审材料), submitted with the case or supplied later."""

    __tablename__ = "case_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))
    round: Mapped[int] = mapped_column(Integer, default=0)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    attachments = relationship("Attachment", order_by="Attachment.uploaded_at", lazy="selectin")


class Opinion(Model):
    """A written review opinion (审核意见) of one round; revisions after coordination are new rows."""

    __tablename__ = "review_opinions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # review | revision
    opinion: Mapped[str] = mapped_column(String(16))  # approve | issues | transfer
    text: Mapped[str] = mapped_column(Text)
    suggestions: Mapped[list] = mapped_column(db.JSON, default=list)
    checklist: Mapped[dict] = mapped_column(db.JSON, default=dict)
    transfer_target: Mapped[str | None] = mapped_column(String(200))
    reasons: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    reviewer = relationship("User", viewonly=True)  # write reviewer_id (see Case)


class Decision(Model):
    """The head's decision (执法决定), recordable only after a passed review."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    text: Mapped[str] = mapped_column(Text)
    decided_on = mapped_column(Date, nullable=False)
    document_number: Mapped[str | None] = mapped_column(String(100))
    collective_discussion_held: Mapped[bool] = mapped_column(Boolean, default=False)
    collective_discussion_minutes: Mapped[str | None] = mapped_column(Text)
    passed_round: Mapped[int] = mapped_column(Integer)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    decided_by = relationship("User", viewonly=True)  # write decided_by_id (see Case)


class TaskStatus(StrEnum):
    """A member equals its stored string."""

    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


OPEN, COMPLETED, CANCELLED = TaskStatus


class Task(Model):
    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_inbox", "agency_id", "status", "role"),
                      Index("ix_tasks_completed", "status", "completed_at"),  # the dashboard's working days per stage
                      Index("ix_tasks_completed_by", "completed_by_id", "completed_at"),  # 已办, newest first
                      # a reviewer's load (staffing.assignment): open reviews, when last active
                      Index("ix_tasks_review_load", "assignee_id", "role", "completed_at", "created_at"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the engine's task id
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    name: Mapped[str] = mapped_column(String(100))  # BPMN element id
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))  # taskKind property
    lane: Mapped[str] = mapped_column(String(64))  # lane id
    role: Mapped[str] = mapped_column(String(16))
    form_key: Mapped[str] = mapped_column(String(100))
    round: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    completed_at = mapped_column(UTCDateTime, nullable=True)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    data: Mapped[dict | None] = mapped_column(db.JSON)
    engine_task: Mapped[bool] = mapped_column(Boolean, default=True)  # False: opened by the service itself
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadlines.id"))

    # viewonly: written through case_id, completed_by_id, deadline_id (assigning one is not saved), which keeps
    # them out of every flush of a task (see Case); the assignee is also set as an object.
    case = relationship("Case", viewonly=True)
    assignee = relationship("User", foreign_keys=[assignee_id])
    completed_by = relationship("User", foreign_keys=[completed_by_id], viewonly=True)
    deadline = relationship("Deadline", viewonly=True)

    # Not stored: what an answer shows besides the columns, set by tasks.service.shown before dumping.
    if TYPE_CHECKING:  # set on the instance, not mapped (SQLAlchemy would read a class-level annotation)
        working_days_left: int | None
        form_schema: dict | None
    working_days_left = None  # while open: working days to the deadline's due date (negative once overdue)
    form_schema = None  # the form's JSON Schema in the agency's words (task detail only)
