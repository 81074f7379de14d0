"""Human tasks mirrored from the engine so inboxes are plain indexed queries."""
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model, db


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
                      Index("ix_tasks_completed_by", "completed_by_id", "completed_at"))  # 已办, newest first

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


class TaskDraft(Model):
    """暂存: one user's unfinished form data for an open task (web pages' save-draft); not part of the history."""

    __tablename__ = "task_drafts"

    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    data: Mapped[dict] = mapped_column(db.JSON)
    saved_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
