"""China's civil date and the moments deadlines fire at (UTC+8 all year: China has no summer time)."""
from datetime import date, datetime, time, timedelta, timezone

from ..db_types import utcnow

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
REMINDER_HOUR = 9  # reminders go out at 09:00 Beijing time on their working day


def today_in_china() -> date:
    return utcnow().astimezone(CHINA).date()


def start_of_day(day: date, hour: int = 0) -> datetime:
    """That day's `hour` o'clock in Beijing, as an aware UTC datetime."""
    return datetime.combine(day, time(hour), CHINA).astimezone(timezone.utc)


def breach_moment(due_on: date) -> datetime:
    """A deadline is breached when its last day has ended in Beijing."""
    return start_of_day(due_on + timedelta(days=1))
