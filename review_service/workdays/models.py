"""Working-day calendar tables (工作日日历): operator-loaded year arrangements and agency adjustments.

Both tables are append-only: a reload of a year adds a new arrangement with a higher revision, and a
new adjustment for the same agency and day supersedes the older one. Their largest ids therefore form
a cheap "calendar revision" that every process can compare against its in-memory cache.
"""
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model

HOLIDAY, MAKE_UP = "holiday", "make_up"


class CalendarArrangement(Model):
    """One loaded 放假安排 notice for one year; the highest revision of a year is in force."""

    __tablename__ = "calendar_arrangements"
    __table_args__ = (UniqueConstraint("year", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    revision: Mapped[int] = mapped_column(Integer)
    notice: Mapped[str] = mapped_column(String(200))
    notice_date = mapped_column(Date, nullable=True)  # the notice's date (发布日期), when given
    is_example: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # invented data
    source_file: Mapped[str | None] = mapped_column(String(255))
    loaded_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    days: Mapped[list["CalendarArrangementDay"]] = relationship(back_populates="arrangement")


class CalendarArrangementDay(Model):
    """A holiday (放假) or a make-up working day (调休上班) of one arrangement."""

    __tablename__ = "calendar_arrangement_days"
    __table_args__ = (UniqueConstraint("arrangement_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    arrangement_id: Mapped[int] = mapped_column(ForeignKey("calendar_arrangements.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(50))

    arrangement: Mapped[CalendarArrangement] = relationship(back_populates="days")


class CalendarAdjustment(Model):
    """A local adjustment: the agency (and the agencies below it) works or rests on `day`."""

    __tablename__ = "calendar_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    is_working_day: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(500))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
