"""A year's arrangement as typed from the State Council notice: warnings the notice itself would never
produce, and the year as a month grid, before anything is loaded.

Warnings (each names the days concerned):
- `make_up_not_weekend` (blocking): a make-up working day (调休上班) that is Monday to Friday;
- `holiday_on_make_up` (blocking): a day listed both as a holiday and as a make-up working day;
- `long_working_stretch`: more than MAX_WORKING_STRETCH working days in a row (since 2025 the notices keep
  to at most 6); loading it needs an explicit acceptance.
"""
import calendar
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

MAX_WORKING_STRETCH = 6
SATURDAY = 5


@dataclass(frozen=True)
class DraftWarning:
    code: str
    message: str
    field: str
    days: tuple[date, ...]
    blocking: bool


def _span(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def holiday_days(holidays: list[dict[str, Any]]) -> dict[date, str]:
    """Each holiday day and its name, from ranges with `from_`/`to` (ranges missing either are skipped)."""
    days: dict[date, str] = {}
    for holiday in holidays:
        start, end = holiday.get("from_"), holiday.get("to")
        if isinstance(start, date) and isinstance(end, date):
            days.update({day: holiday.get("name") or "" for day in _span(start, end)})
    return days


def is_working(day: date, holidays: dict[date, str], make_ups: set[date]) -> bool:
    return day in make_ups or (day.weekday() < SATURDAY and day not in holidays)


def draft_warnings(year: int, holidays: list[dict[str, Any]], make_ups: list[date]) -> list[DraftWarning]:
    """Every warning of the draft, in the order of the list above."""
    off, extra = holiday_days(holidays), set(make_ups)
    warnings = []
    for index, day in enumerate(make_ups):
        field = f"make_up_working_days.{index}"
        if day.weekday() < SATURDAY:
            warnings.append(DraftWarning("make_up_not_weekend",
                                         f"{day.isoformat()} 不是星期六或星期日，不能作为调休上班日",
                                         field, (day,), True))
        if day in off:
            warnings.append(DraftWarning("holiday_on_make_up", f"{day.isoformat()} 同时被列为放假日和调休上班日",
                                         field, (day,), True))
    for start, end in _working_stretches(year, off, extra):
        length = (end - start).days + 1
        warnings.append(DraftWarning(
            "long_working_stretch", f"{start.isoformat()} 至 {end.isoformat()} 连续工作 {length} 天"
            f"（通知不会安排连续工作超过 {MAX_WORKING_STRETCH} 天，请核对）", "make_up_working_days",
            tuple(_span(start, end)), False))
    return warnings


def _working_stretches(year: int, off: dict[date, str], extra: set[date]) -> list[tuple[date, date]]:
    """Runs of more than MAX_WORKING_STRETCH working days inside the year."""
    runs, start = [], None
    for day in [*_span(date(year, 1, 1), date(year, 12, 31)), date(year + 1, 1, 1)]:
        if day.year == year and is_working(day, off, extra):
            start = start or day
            continue
        if start is not None and (day - start).days > MAX_WORKING_STRETCH:
            runs.append((start, day - timedelta(days=1)))
        start = None
    return runs


def month_grid(year: int, holidays: list[dict[str, Any]], make_ups: list[date],
               flagged: AbstractSet[date] = frozenset()) -> list[dict[str, Any]]:
    """The year as 12 months of weeks (Monday first); each day: date, working, kind, holiday name, flagged.

    kind: "holiday" (放假), "make_up" (调休上班), "weekend" (休息), "workday" (工作日); None pads a week.
    """
    off, extra = holiday_days(holidays), set(make_ups)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append([_cell(day, off, extra, flagged) if day.month == month else None for day in week])
        months.append({"month": month, "weeks": weeks,
                       "working_days": sum(1 for w in weeks for c in w if c and c["working"])})
    return months


def _cell(day: date, off: dict[date, str], extra: set[date], flagged: AbstractSet[date]) -> dict[str, Any]:
    if day in extra:
        kind = "make_up"
    elif day in off:
        kind = "holiday"
    else:
        kind = "workday" if day.weekday() < SATURDAY else "weekend"
    return {"date": day, "working": is_working(day, off, extra), "kind": kind, "name": off.get(day),
            "flagged": day in flagged}
