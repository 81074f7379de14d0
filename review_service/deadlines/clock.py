"""The moments deadlines fire at, in Beijing time."""
from datetime import UTC, date, datetime, time, timedelta

from ..china_time import CHINA

REMINDER_HOUR = 9  # reminders go out at 09:00 Beijing time on their working day


def start_of_day(day: date, hour: int = 0) -> datetime:
    """That day's `hour` o'clock in Beijing, as an aware UTC datetime."""
    return datetime.combine(day, time(hour), CHINA).astimezone(UTC)


def breach_moment(due_on: date) -> datetime:
    """A deadline is breached when its last day has ended in Beijing."""
    return start_of_day(due_on + timedelta(days=1))
