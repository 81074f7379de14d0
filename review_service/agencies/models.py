"""Agencies (行政执法机关), nested by parent."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db

LEVELS = ("province", "city", "county", "township")  # 省/市/县/乡镇


class Agency(db.Model):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16), default="county")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    parent: Mapped["Agency | None"] = relationship(remote_side=[id])
