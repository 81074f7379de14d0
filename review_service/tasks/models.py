"""Drafts of open tasks (the task rows themselves are cases.models.Task: cases read their steps' records)."""
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model, db


class TaskDraft(Model):
    """暂存: one user's unfinished form data for an open task (web pages' save-draft); not part of the history."""

    __tablename__ = "task_drafts"

    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    data: Mapped[dict] = mapped_column(db.JSON)
    saved_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
