"""Declared conflicts of interest and cases nobody eligible can review."""
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class Recusal(db.Model):
    """A reviewer's declared conflict of interest in one case (回避); they may not review it."""

    __tablename__ = "recusals"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    declared_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    user = relationship("User")


class AssignmentProblem(db.Model):
    """The flag on a case whose review task found no eligible reviewer; cleared once someone is assigned."""

    __tablename__ = "assignment_problems"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(Text)
    raised_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
