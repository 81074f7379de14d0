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
from typing import Any, cast

from marshmallow import ValidationError
from sqlalchemy import func, select

from ..accounts.roles import Actor, Role
from ..agencies.models import Agency
from ..errors import Forbidden, InvalidInput, flatten_messages
from ..extensions import db
from .drafts import draft_warnings, holiday_days
from .models import HOLIDAY, MAKE_UP, CalendarAdjustment, CalendarArrangement, CalendarArrangementDay
from .schemas import ArrangementFileSchema
from .sources import CalendarDataMissing, arrangement_working_days, current_snapshot, is_in, mark_written

__all__ = ["CalendarDataMissing", "LoadedArrangement", "add_calendar_days", "add_working_days", "adjust_day",
           "check_calendar_admin", "check_year_covered", "covered_years", "describe_years", "is_working_day",
           "load_arrangement", "preview_arrangement",
           "missing_years_ahead",
           "previous_working_day", "register_calendar_listener", "unregister_calendar_listener",
           "working_days_between"]


@dataclass(frozen=True)
class LoadedArrangement:
    year: int
    revision: int
    changed_days: list[date]  # days whose working/rest kind differs from before (every day for a new year)
    deadlines_recomputed: int = 0  # open deadlines the listeners moved
    warnings: tuple[str, ...] = ()  # the accepted non-blocking warnings


# (changed days, agency id or None for all) -> how many open deadlines moved (or None)
CalendarListener = Callable[[list[date], int | None], int | None]
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
                              "notice_date": None, "example": False, "source_file": None, "loaded_at": None})
        else:
            described.append({"year": year, "source": "loaded", "revision": loaded.revision,
                              "notice": loaded.notice, "notice_date": loaded.notice_date,
                              "example": loaded.is_example, "source_file": loaded.source_file,
                              "loaded_at": loaded.loaded_at})
    return described


def check_calendar_admin(actor: Actor) -> None:
    """Loading a national arrangement: the command-line operator or an administrator of a top-level agency."""
    if getattr(actor, "is_operator", False):
        return
    agency = db.session.get(Agency, actor.agency_id)
    if not actor.has_role(Role.ADMIN) or agency is None or agency.parent_id is not None:
        raise Forbidden("只有最上级机关的系统管理员可以载入节假日安排", code="calendar_admin_required")


def _validated(document: dict[str, Any]) -> dict[str, Any]:
    try:
        return cast(dict[str, Any], ArrangementFileSchema().load(document))
    except ValidationError as exc:
        raise InvalidInput("节假日安排文件不合法", code="invalid_arrangement",
                           fields=flatten_messages(exc.messages)) from exc


def preview_arrangement(document: dict[str, Any]) -> dict[str, Any]:
    """What loading the document would do, without storing anything: errors that stop it (by field),
    every warning (drafts.py) and the year's working days (None when the year itself is unusable)."""
    try:
        data, errors = _validated(document), {}
    except InvalidInput as refusal:
        data, errors = _lenient(document), refusal.fields
    year = data.get("year")
    if not isinstance(year, int) or not 1949 <= year <= 2200:
        return {"year": None, "example": bool(data.get("example")), "errors": errors, "warnings": [],
                "working_days": None, "holidays": [], "make_ups": []}
    holidays, make_ups = data.get("holidays") or [], data.get("make_up_working_days") or []
    warnings = draft_warnings(year, holidays, make_ups)
    shown = {w.message for w in warnings}
    errors = {key: kept for key, messages in errors.items() if (kept := [m for m in messages if m not in shown])}
    working = [date.fromordinal(o) for o in arrangement_working_days(year, holiday_days(holidays), make_ups)]
    return {"year": year, "example": bool(data.get("example")), "errors": errors, "warnings": warnings,
            "working_days": working, "holidays": holidays, "make_ups": make_ups}


def _lenient(document: dict[str, Any]) -> dict[str, Any]:
    """The parts of an invalid document that parse (for the preview of a draft)."""
    schema = ArrangementFileSchema(partial=True)
    try:
        return cast(dict[str, Any], schema.load(document))
    except ValidationError as exc:
        return exc.valid_data if isinstance(exc.valid_data, dict) else {}


def load_arrangement(document: dict[str, Any], *, source: str | None = None, allow_example: bool = False,
                     accept_warnings: bool = True) -> LoadedArrangement:
    """Validate and store a year's arrangement (replacing an earlier one), then call the listeners.

    Raises InvalidInput and stores nothing when the document is invalid (code invalid_arrangement, every
    problem in `fields`), marked as the invented example and not `allow_example` (example_arrangement), or
    has non-blocking warnings that are not accepted (arrangement_warnings). The caller commits.
    """
    if document.get("example") is True and not allow_example:
        raise InvalidInput("这是虚构的示例安排（example: true），不是国务院办公厅的通知；确需载入请明确允许示例",
                           code="example_arrangement", fields={"example": ["示例数据，未载入"]})
    data = _validated(document)
    year = data["year"]
    warnings = tuple(w.message for w in draft_warnings(year, data["holidays"], data["make_up_working_days"])
                     if not w.blocking)
    if warnings and not accept_warnings:
        raise InvalidInput("安排有需要核对的警告，确认无误后请明确接受警告再载入", code="arrangement_warnings",
                           fields={"make_up_working_days": list(warnings)})
    before = _national_days_or_none(year)
    arrangement = _store(data, source)
    holidays = [day for day in arrangement.days if day.kind == HOLIDAY]
    after = arrangement_working_days(year, [d.day for d in holidays], data["make_up_working_days"])
    changed = sorted(set(after) ^ set(before)) if before is not None else _every_day(year)
    changed_days = [date.fromordinal(o) for o in changed]
    moved = _tell_listeners(changed_days, None)
    return LoadedArrangement(year, arrangement.revision, changed_days, moved, warnings)


def _tell_listeners(changed_days: list[date], agency_id: int | None) -> int:
    return sum(listener(changed_days, agency_id) or 0 for listener in list(_listeners))


def _store(data: dict[str, Any], source: str | None) -> CalendarArrangement:
    year = data["year"]
    previous = db.session.scalar(select(func.max(CalendarArrangement.revision))
                                 .where(CalendarArrangement.year == year)) or 0
    arrangement = CalendarArrangement(year=year, revision=previous + 1, notice=data["notice"], source_file=source,
                                      notice_date=data["notice_date"], is_example=data["example"])
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
