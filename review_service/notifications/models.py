"""One notification for one user; read ones are kept (marked, never deleted)."""
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model, db


class Notification(Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_inbox", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))  # e.g. deadline.reminder, deadline.overdue
    message: Mapped[str] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(db.JSON, default=dict)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    read_at = mapped_column(UTCDateTime, nullable=True)
    # e-mail: NULL = not looked at yet by the mail sweep; "queued" (a send job exists), "sent", "none" (not mailed)
    mail_state: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)  # the sweep finds NULLs

