"""Agencies (行政执法机关), nested by parent, with their staffing and assignment settings."""
from sqlalchemy import Boolean, ForeignKey, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model

LEVELS = ("province", "city", "county", "township")  # 省/市/县/乡镇
LEVEL_TITLES = {"province": "省", "city": "市", "county": "县", "township": "乡镇"}


class Agency(Model):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16), default="county")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    sector: Mapped[str | None] = mapped_column(String(64))  # 所属领域, e.g. 市场监管
    # 5% rule: do pooled 法律顾问/公职律师 count as reviewers of this agency?
    advisors_count_toward_ratio: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Art. 58 ¶2: reviewers who first reviewed penalties before 2021-07-15 need no 法律职业资格.
    grandfather_pre_2021_reviewers: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Acceptance (受理) tasks wait in the review unit's shared queue instead of being assigned by load.
    acceptance_from_queue: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    parent: Mapped["Agency | None"] = relationship(remote_side=[id])
