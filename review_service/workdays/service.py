"""Working days (工作日) under the counting convention of domain.md §4.3, and loading year arrangements.

- The start day is not counted: working day 1 is the first working day after it, also when the start
  is a rest day.
- A working day is Mon-Fri that is not a holiday, plus the announced make-up Saturdays and Sundays,
  then changed by the agency's (or a parent agency's) local adjustments.
- Calendar-day periods end N days later, moved to the next working day if that is a rest day.
Any computation that needs a year without data raises CalendarDataMissing.
"""
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import func, select

from ..agencies.models import Agency
from ..errors import InvalidInput, flatten_messages
from ..extensions import db
from .models import HOLIDAY, MAKE_UP, CalendarAdjustment, CalendarArrangement, CalendarArrangementDay
from .schemas import ArrangementFileSchema
from .sources import CalendarDataMissing, arrangement_working_days, current_snapshot, is_in, mark_written

__all__ = ["CalendarDataMissing", "LoadedArrangement", "add_calendar_days", "add_working_days", "adjust_day",
           "check_year_covered", "covered_years", "describe_years", "is_working_day", "load_arrangement",
           "missing_years_ahead",
           "previous_working_day", "register_calendar_listener", "unregister_calendar_listener",
           "working_days_between"]


@dataclass(frozen=True)
class LoadedArrangement:
    year: int
    revision: int
    changed_days: list[date]  # days whose working/rest kind differs from before (every day for a new year)


CalendarListener = Callable[[list[date], int | None], object]  # (changed days, agency id or None for all)
_listeners: list[CalendarListener] = []


def register_calendar_listener(listener: CalendarListener) -> None:
    """Call `listener` after every loaded arrangement and agency adjustment, inside that transaction."""
    if listener not in _listeners:
        _listeners.append(listener)


def unregister_calendar_listener(listener: CalendarListener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def is_working_day(day: date, *, agency_id: int | None = None) -> bool:
    return is_in(current_snapshot().working_days(day.year, agency_id), day.toordinal())


def add_working_days(start: date, n: int, *, agency_id: int | None = None) -> date:
    """The n-th working day after `start` (start not counted); n == 0 returns start."""
    if n < 0:
        raise ValueError("n must be >= 0")
    if n == 0:
        return start
    snapshot, after, year = current_snapshot(), start.toordinal(), start.year
    while True:
        days = snapshot.working_days(year, agency_id)
        index = bisect_right(days, after)
        if index + n <= len(days):
            return date.fromordinal(days[index + n - 1])
        n -= len(days) - index
        year += 1


def add_calendar_days(start: date, n: int, *, agency_id: int | None = None) -> date:
    """start + n days, moved to the next working day when that day is a rest day."""
    if n < 0:
        raise ValueError("n must be >= 0")
    snapshot, end = current_snapshot(), start + timedelta(days=n)
    ordinal, year = end.toordinal(), end.year
    while True:
        days = snapshot.working_days(year, agency_id)
        index = bisect_left(days, ordinal)
        if index < len(days):
            return date.fromordinal(days[index])
        year += 1


def working_days_between(start: date, end: date, *, agency_id: int | None = None) -> int:
    """The number of working days d with start < d <= end (0 if end <= start)."""
    if end <= start:
        return 0
    snapshot, first = current_snapshot(), start + timedelta(days=1)
    total = 0
    for year in range(first.year, end.year + 1):
        days = snapshot.working_days(year, agency_id)
        total += bisect_right(days, end.toordinal()) - bisect_right(days, start.toordinal())
    return total


def previous_working_day(day: date, *, agency_id: int | None = None) -> date:
    """The last working day strictly before `day`."""
    snapshot, before, year = current_snapshot(), day.toordinal(), day.year
    while True:
        days = snapshot.working_days(year, agency_id)
        index = bisect_left(days, before)
        if index > 0:
            return date.fromordinal(days[index - 1])
        year -= 1


def check_year_covered(year: int) -> None:
    """Raise CalendarDataMissing unless `year` has a loaded or a package arrangement."""
    if year not in current_snapshot().covered_years():
        raise CalendarDataMissing(year)


def covered_years() -> list[int]:
    return sorted(current_snapshot().covered_years())


# Art. 60's 90 calendar days plus a review period: how far ahead an open case's time limits can reach.
LOOK_AHEAD = timedelta(days=120)


def missing_years_ahead(today: date) -> list[int]:
    """The years from today to LOOK_AHEAD later that have no arrangement (time limits there stay unknown)."""
    covered = current_snapshot().covered_years()
    return [year for year in range(today.year, (today + LOOK_AHEAD).year + 1) if year not in covered]


def describe_years() -> list[dict[str, Any]]:
    """Each covered year with its source: "loaded" (revision, notice, file) or "package"."""
    snapshot = current_snapshot()
    described = []
    for year in sorted(snapshot.covered_years()):
        loaded = snapshot.loaded.get(year)
        if loaded is None:
            described.append({"year": year, "source": "package", "revision": None, "notice": None,
                              "source_file": None, "loaded_at": None})
        else:
            described.append({"year": year, "source": "loaded", "revision": loaded.revision,
                              "notice": loaded.notice, "source_file": loaded.source_file,
                              "loaded_at": loaded.loaded_at})
    return described


def load_arrangement(document: dict[str, Any], *, source: str | None = None) -> LoadedArrangement:
    """Validate and store a year's arrangement (replacing an earlier one), then call the listeners.

    Raises InvalidInput (code invalid_arrangement, every problem in `fields`) and stores nothing when
    the document is invalid. The caller commits.
    """
    try:
        data = ArrangementFileSchema().load(document)
    except ValidationError as exc:
        raise InvalidInput("节假日安排文件不合法", code="invalid_arrangement",
                           fields=flatten_messages(exc.messages)) from exc
    year = data["year"]
    before = _national_days_or_none(year)
    arrangement = _store(data, source)
    holidays = [day for day in arrangement.days if day.kind == HOLIDAY]
    after = arrangement_working_days(year, [d.day for d in holidays], data["make_up_working_days"])
    changed = sorted(set(after) ^ set(before)) if before is not None else _every_day(year)
    loaded = LoadedArrangement(year, arrangement.revision, [date.fromordinal(o) for o in changed])
    _tell_listeners(loaded.changed_days, None)
    return loaded


def _tell_listeners(changed_days: list[date], agency_id: int | None) -> None:
    for listener in list(_listeners):
        listener(changed_days, agency_id)


def _store(data: dict[str, Any], source: str | None) -> CalendarArrangement:
    year = data["year"]
    previous = db.session.scalar(select(func.max(CalendarArrangement.revision))
                                 .where(CalendarArrangement.year == year)) or 0
    arrangement = CalendarArrangement(year=year, revision=previous + 1, notice=data["notice"], source_file=source)
    for holiday in data["holidays"]:
        for ordinal in range(holiday["from_"].toordinal(), holiday["to"].toordinal() + 1):
            arrangement.days.append(CalendarArrangementDay(day=date.fromordinal(ordinal), kind=HOLIDAY,
                                                           name=holiday["name"]))
    for day in data["make_up_working_days"]:
        arrangement.days.append(CalendarArrangementDay(day=day, kind=MAKE_UP))
    db.session.add(arrangement)
    db.session.flush()
    mark_written()
    return arrangement


def _national_days_or_none(year: int) -> tuple[int, ...] | None:
    try:
        return current_snapshot().national_days(year)
    except CalendarDataMissing:
        return None


def _every_day(year: int) -> list[int]:
    return list(range(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1))


def adjust_day(agency_id: int, day: date, *, is_working_day: bool, reason: str) -> CalendarAdjustment:
    """Record that the agency and the agencies below it work (or rest) on `day`; the caller commits."""
    if db.session.get(Agency, agency_id) is None:
        raise InvalidInput("机关不存在", code="agency_not_found", fields={"agency": ["机关不存在"]})
    if not reason or not reason.strip():
        raise InvalidInput("请说明调整原因", fields={"reason": ["不能为空"]})
    adjustment = CalendarAdjustment(agency_id=agency_id, day=day, is_working_day=is_working_day,
                                    reason=reason.strip())
    db.session.add(adjustment)
    db.session.flush()
    mark_written()
    _tell_listeners([day], agency_id)
    return adjustment


def agency_id_for_code(code: str) -> int:
    """The id of the agency with this code; InvalidInput (field `agency`) if there is none."""
    agency_id = db.session.scalar(select(Agency.id).where(Agency.code == code))
    if agency_id is None:
        raise InvalidInput(f"没有代码为 {code} 的机关", code="agency_not_found", fields={"agency": ["机关不存在"]})
    return agency_id


def compute_due_date(start: date, *, working_days: int | None = None, calendar_days: int | None = None,
                     agency_id: int | None = None) -> date:
    """The due date of a period given in working days or in calendar days (exactly one)."""
    if (working_days is None) == (calendar_days is None):
        raise InvalidInput("working_days 与 calendar_days 必须且只能给出一个",
                           fields={"working_days": ["必须且只能给出一个"], "calendar_days": ["必须且只能给出一个"]})
    if working_days is not None:
        return add_working_days(start, working_days, agency_id=agency_id)
    assert calendar_days is not None  # exactly one of the two was given
    return add_calendar_days(start, calendar_days, agency_id=agency_id)
