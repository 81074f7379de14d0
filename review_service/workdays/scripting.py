"""Working-day arithmetic for BPMN scripts and expressions (injected into the restricted engine).

Dates go in and out as ISO strings (YYYY-MM-DD) so they survive the engine's JSON state.
A year without calendar data raises CalendarDataMissing, which the caller reports; never a guess.
"""
from datetime import date

from ..china_time import today_in_china
from . import service as workdays


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def add_working_days(start: object, days: int | str) -> str:
    """The date `days` working days after `start` (the start day itself is not counted)."""
    return workdays.add_working_days(_day(start), int(days)).isoformat()


def add_calendar_days(start: object, days: int | str) -> str:
    """`start` + `days` calendar days, moved to the next working day if that is a rest day."""
    return workdays.add_calendar_days(_day(start), int(days)).isoformat()


def working_days_between(start: object, end: object) -> int:
    """Working days d with start < d <= end."""
    return workdays.working_days_between(_day(start), _day(end))


def today() -> str:
    """Today's date in Beijing."""
    return today_in_china().isoformat()


SCRIPT_HELPERS = {"add_working_days": add_working_days, "add_calendar_days": add_calendar_days,
                  "working_days_between": working_days_between, "today": today}
