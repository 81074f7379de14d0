"""The log of account changes (账号变更记录): append-only, read by administrators."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..db_types import UTCDateTime, utcnow
from ..extensions import Model, db


class AccountEvent(Model):
    """One change to an account (created, roles set, password reset or changed, deactivated, staff linked).

    `agency_id` is the account's agency, so an administrator reads the events of the accounts in reach.
    """

    __tablename__ = "account_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict] = mapped_column(db.JSON)

    user: Mapped[User] = relationship(foreign_keys=[user_id], viewonly=True)
