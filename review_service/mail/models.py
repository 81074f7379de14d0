"""Who gets notices by mail (users' addresses and choices) and how (agencies' SMTP servers)."""
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model, db


class NoticePreference(Model):
    """A user's e-mail address and the notice kinds that also come by mail (none by default)."""

    __tablename__ = "notice_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))
    mail_kinds: Mapped[list] = mapped_column(db.JSON, default=list)


class AgencyMailServer(Model):
    """An agency's SMTP server. The password is never stored: password_env names the environment variable
    that holds it on the worker's machine. An agency without a row uses the nearest agency above it that has one."""

    __tablename__ = "agency_mail_servers"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer, default=587)
    sender: Mapped[str] = mapped_column(String(254))  # From:
    starttls: Mapped[bool] = mapped_column(Boolean, default=True)
    username: Mapped[str | None] = mapped_column(String(254))
    password_env: Mapped[str | None] = mapped_column(String(100))
