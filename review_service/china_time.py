"""China's civil date: deadlines, staff validity and reports count in Beijing days (UTC+8, no summer time)."""
from datetime import date, datetime, timedelta, timezone

from .db_types import utcnow
from .errors import InvalidInput

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


def local_date(moment: datetime) -> date:
    return moment.astimezone(CHINA).date()


def today_in_china() -> date:
    return local_date(utcnow())


def check_day_between(day: date, earliest: date, *, field: str, what: str, earliest_what: str) -> date:
    """`day` itself if it lies between `earliest` and today (Beijing); else 422 naming `field`.

    what / earliest_what: the Chinese names of the date and of the day it may not precede.
    """
    today = today_in_china()
    if day > today:
        problem = f"{what}不能晚于今天（{today:%Y年%m月%d日}）"
    elif day < earliest:
        problem = f"{what}不能早于{earliest_what}（{earliest:%Y年%m月%d日}）"
    else:
        return day
    raise InvalidInput(problem, fields={field: [problem]})
