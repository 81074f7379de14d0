"""China's civil date: deadlines, staff validity and reports count in Beijing days (UTC+8, no summer time)."""
from datetime import date, datetime, timedelta, timezone

from .db_types import utcnow

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


def local_date(moment: datetime) -> date:
    return moment.astimezone(CHINA).date()


def today_in_china() -> date:
    return local_date(utcnow())
