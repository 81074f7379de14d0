"""One tracked time limit of a case, and the extension requests against it."""
from datetime import date
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model


class DeadlineStatus(StrEnum):
    """A member equals its stored string."""

    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    CANCELLED = "cancelled"


class DayCount(StrEnum):
    """How a period's days are counted."""

    WORKING = "working"
    CALENDAR = "calendar"


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


RUNNING, PAUSED, MET, CANCELLED = DeadlineStatus
OPEN_STATUSES = (RUNNING, PAUSED)
WORKING, CALENDAR = DayCount


class Deadline(Model):
    """A period counted from start_on in working or calendar days (审核期限, 公示期限, 归档期限, 撤回期限).

    due_on = start_on + period + extension_days - days_used (days_used: kept across a SUSPEND pause),
    capped at cap_on (Art. 60's statutory decision deadline: cap_from_on + cap_calendar_days, moved off a
    rest day). due_on is NULL while the calendar lacks a year the answer depends on; `problem` then says
    which. cap_on stays NULL until its year is known; the period is not cut while it ends before that year.
    """

    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_open", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # review | publication | archiving | withdrawal | ...
    round: Mapped[int] = mapped_column(Integer)
    task_id: Mapped[str | None] = mapped_column(String(36))  # the open task the clock runs for
    unit: Mapped[str] = mapped_column(String(16))  # working | calendar
    period_days: Mapped[int] = mapped_column(Integer)
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    extension_limit: Mapped[int] = mapped_column(Integer, default=0)  # working days one extension may add
    supplement_mode: Mapped[str] = mapped_column(String(16), default="RESTART")  # RESTART | SUSPEND
    days_used: Mapped[int] = mapped_column(Integer, default=0)
    reminder_days: Mapped[int] = mapped_column(Integer, default=1)  # working days before due_on
    start_on: Mapped[date] = mapped_column(Date, nullable=False)
    paused_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    cap_from_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # 立案日期: the statutory period starts
    cap_calendar_days: Mapped[int | None] = mapped_column(Integer)
    cap_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    capped: Mapped[bool] = mapped_column(Boolean, default=False)
    problem: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=RUNNING)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    reminded_for_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # the due_on a reminder was sent for
    overdue_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    closed_at = mapped_column(UTCDateTime, nullable=True)

    case = relationship("Case")


class ExtensionRequest(Model):
    """延期申请: the reviewer asks, the deputy head (分管负责人) approves or rejects, once per deadline."""

    __tablename__ = "extension_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    approval_task_id: Mapped[str] = mapped_column(String(36))
    working_days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ExtensionStatus.PENDING)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_note: Mapped[str | None] = mapped_column(Text)
    requested_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    decided_at = mapped_column(UTCDateTime, nullable=True)
