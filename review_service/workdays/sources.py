"""Where day kinds come from, and the per-process cache of them.

Precedence: agency adjustments (the agency or an agency above it; the nearest wins) > the arrangement
an operator loaded for the year > the State Council arrangement in the `chinesecalendar` package.
A year with neither a loaded nor a package arrangement has no data: CalendarDataMissing, never a guess.

Every public call reads one "calendar revision" (the largest arrangement and adjustment ids) and
reuses the snapshot built for it, so other processes see a newly loaded arrangement without restart.
Inside a transaction that wrote calendar rows the snapshot lives on the session only until it ends.
"""
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

import chinese_calendar
from chinese_calendar import constants as package_constants
from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from ..agencies.tree import ancestor_ids
from ..errors import InvalidInput
from ..extensions import db
from ..persistence import no_autoflush
from .models import HOLIDAY, MAKE_UP, CalendarAdjustment, CalendarArrangement, CalendarArrangementDay

WRITTEN = "workdays.written"  # session.info flag: this transaction changed calendar rows
SESSION_SNAPSHOT = "workdays.snapshot"
REVISION_KEY = "workdays.revision"  # session.info: the calendar revision read in this transaction


class CalendarDataMissing(InvalidInput):
    """No holiday arrangement is known for `year` (neither loaded nor in the package)."""

    code = "calendar_data_missing"

    def __init__(self, year: int):
        super().__init__(f"{year}年的节假日安排尚未载入，无法计算期限",
                         fields={"year": [f"{year}年的节假日安排尚未载入"]})
        self.year = year


@cache
def package_years() -> frozenset[int]:
    """Years the installed chinesecalendar covers (it raises NotImplementedError for the others)."""
    years = set()
    for year in {day.year for day in package_constants.holidays}:
        try:
            chinese_calendar.is_workday(date(year, 1, 1))
            chinese_calendar.is_workday(date(year, 12, 31))
        except NotImplementedError:
            continue
        years.add(year)
    return frozenset(years)


@cache
def package_working_days(year: int) -> tuple[int, ...]:
    """Sorted ordinals of the package's working days in `year` (the year must be in package_years)."""
    return tuple(day.toordinal() for day in _days_of(year) if chinese_calendar.is_workday(day))


def _days_of(year: int) -> Iterator[date]:
    day, end = date(year, 1, 1), date(year, 12, 31)
    while day <= end:
        yield day
        day += timedelta(days=1)


def arrangement_working_days(year: int, holidays: Iterable[date], make_up_days: Iterable[date]) -> tuple[int, ...]:
    """Mon-Fri that are not holidays, plus the make-up Saturdays and Sundays."""
    holidays, make_up_days = set(holidays), set(make_up_days)
    return tuple(day.toordinal() for day in _days_of(year)
                 if (day.weekday() < 5 and day not in holidays) or day in make_up_days)


@dataclass(frozen=True)
class LoadedYear:
    """The arrangement in force for a year, as plain values."""

    arrangement_id: int
    revision: int
    notice: str
    notice_date: object
    is_example: bool
    source_file: str | None
    loaded_at: object
    working: tuple[int, ...]


@dataclass
class Snapshot:
    """Calendar data as of one revision; the per-agency, per-year lists are filled in lazily."""

    key: tuple[Any, ...]
    loaded: dict[int, LoadedYear]
    adjustments: dict[int, dict[date, bool]]
    ancestors: dict[int, tuple[int, ...]] = field(default_factory=dict)
    overrides: dict[int, dict[date, bool]] = field(default_factory=dict)
    years: dict[tuple[Any, ...], tuple[int, ...]] = field(default_factory=dict)

    def covered_years(self) -> set[int]:
        return set(self.loaded) | package_years()

    def national_days(self, year: int) -> tuple[int, ...]:
        if year in self.loaded:
            return self.loaded[year].working
        if year in package_years():
            return package_working_days(year)
        raise CalendarDataMissing(year)

    def working_days(self, year: int, agency_id: int | None) -> tuple[int, ...]:
        """Sorted ordinals of the working days of `year` for the agency; raises CalendarDataMissing."""
        found = self.years.get((agency_id, year))
        if found is None:
            found = self._compute_year(year, agency_id)
            self.years[(agency_id, year)] = found
        return found

    def _compute_year(self, year: int, agency_id: int | None) -> tuple[int, ...]:
        days = self.national_days(year)
        local = {day: working for day, working in self._overrides(agency_id).items() if day.year == year}
        if not local:
            return days
        working = set(days)
        for day, is_working in local.items():
            (working.add if is_working else working.discard)(day.toordinal())
        return tuple(sorted(working))

    def _overrides(self, agency_id: int | None) -> dict[date, bool]:
        if agency_id is None or not self.adjustments:
            return {}
        if agency_id not in self.overrides:
            merged: dict[date, bool] = {}
            for ancestor in reversed(self._ancestry(agency_id)):  # root first: the nearest agency wins
                merged.update(self.adjustments.get(ancestor, {}))
            self.overrides[agency_id] = merged
        return self.overrides[agency_id]

    def _ancestry(self, agency_id: int) -> tuple[int, ...]:
        """The agency and every agency above it, nearest first."""
        if agency_id not in self.ancestors:
            self.ancestors[agency_id] = tuple(ancestor_ids(agency_id))
        return self.ancestors[agency_id]


def is_in(days: tuple[int, ...], ordinal: int) -> bool:
    index = bisect_left(days, ordinal)
    return index < len(days) and days[index] == ordinal


_REVISION = select(select(func.max(CalendarArrangement.id)).scalar_subquery(),
                   select(func.max(CalendarAdjustment.id)).scalar_subquery())


def revision_columns() -> tuple[Any, Any]:
    """The calendar revision as two scalar subqueries, for a statement the transaction runs anyway (the case
    lock) to read it with; hand the two values to remember_revision."""
    return _REVISION.selected_columns[0], _REVISION.selected_columns[1]


def remember_revision(values: tuple[Any, Any]) -> None:
    """The calendar revision this transaction read with another statement: current_snapshot() reads no more."""
    session = db.session()
    if not session.info.get(WRITTEN) and REVISION_KEY not in session.info:
        session.info[REVISION_KEY] = tuple(values)


def current_snapshot() -> Snapshot:
    """The snapshot for the database's current calendar revision (one small query when warm)."""
    session = db.session()
    key = session.info.get(REVISION_KEY)
    if session.info.get(WRITTEN):  # this transaction wrote calendar rows: read them back every time
        key = session.info[REVISION_KEY] = tuple(db.session.execute(_REVISION).one())
    elif key is None:  # read the revision once per transaction; no flush needed, calendar writers mark_written()
        with no_autoflush():
            key = session.info[REVISION_KEY] = tuple(session.execute(_REVISION).one())
    if session.info.get(WRITTEN):  # uncommitted calendar rows: never share them with other requests
        snapshot = session.info.get(SESSION_SNAPSHOT)
        if snapshot is None or snapshot.key != key:
            snapshot = session.info[SESSION_SNAPSHOT] = _build(key)
        return snapshot
    cache = current_app.extensions.setdefault("workdays", {})
    snapshot = cache.get("snapshot")
    if snapshot is None or snapshot.key != key:
        snapshot = cache["snapshot"] = _build(key)
    return snapshot


def mark_written() -> None:
    """Called by writers after flushing calendar rows: until commit or rollback, keep the snapshot private."""
    session = db.session()
    session.info[WRITTEN] = True
    session.info.pop(SESSION_SNAPSHOT, None)
    session.info.pop(REVISION_KEY, None)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session: Session) -> None:
    session.info.pop(WRITTEN, None)
    session.info.pop(SESSION_SNAPSHOT, None)
    session.info.pop(REVISION_KEY, None)


def _build(key: tuple[Any, ...]) -> Snapshot:
    latest = {}
    for row in db.session.execute(select(CalendarArrangement.id, CalendarArrangement.year, CalendarArrangement.revision,
                                         CalendarArrangement.notice, CalendarArrangement.notice_date,
                                         CalendarArrangement.is_example, CalendarArrangement.source_file,
                                         CalendarArrangement.loaded_at).order_by(CalendarArrangement.revision)):
        latest[row.year] = row
    kinds: dict[int, dict[str, list[date]]] = {row.id: {HOLIDAY: [], MAKE_UP: []} for row in latest.values()}
    if latest:
        day = CalendarArrangementDay
        rows = db.session.execute(select(day.arrangement_id, day.day, day.kind)
                                  .where(day.arrangement_id.in_(list(kinds))))
        for arrangement_id, on, kind in rows:
            kinds[arrangement_id][kind].append(on)
    loaded = {year: LoadedYear(row.id, row.revision, row.notice, row.notice_date, row.is_example, row.source_file,
                               row.loaded_at,
                               arrangement_working_days(year, kinds[row.id][HOLIDAY], kinds[row.id][MAKE_UP]))
              for year, row in latest.items()}
    adjustments: dict[int, dict[date, bool]] = {}
    for row in db.session.execute(select(CalendarAdjustment.agency_id, CalendarAdjustment.day,
                                         CalendarAdjustment.is_working_day).order_by(CalendarAdjustment.id)):
        adjustments.setdefault(row.agency_id, {})[row.day] = row.is_working_day
    return Snapshot(key, loaded, adjustments)
