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


# Plausible range of every date a user types, per field: (earliest, latest) as functions of today (Beijing).
# Outside it a date is a typing error (year 1, 2099), never a case: refused with 422 naming the field.
def _years(today: date, years: int) -> date:
    return today.replace(year=today.year + years, day=min(today.day, 28))


_STEP_DATE = (lambda t: _years(t, -10), lambda t: _years(t, 1))  # a later step's date: 10 years back, 1 ahead
DATE_RANGES = {
    "filed_on": (lambda t: _years(t, -10), lambda t: t),  # 立案日期: the Art. 60 cap counts from it; not future
    "discussed_on": _STEP_DATE, "referred_on": _STEP_DATE, "reply_received_on": _STEP_DATE,
    "published_on": _STEP_DATE, "archived_on": _STEP_DATE, "withdrawn_on": _STEP_DATE,
    "first_reviewed_on": (lambda t: date(1950, 1, 1), lambda t: t),  # staff: started reviewing
    "valid_from": (lambda t: date(1950, 1, 1), lambda t: _years(t, 1)),  # staff: certificate / appointment
    "valid_until": (lambda t: date(1950, 1, 1), lambda t: _years(t, 30)),
    "deactivated_on": (lambda t: date(2000, 1, 1), lambda t: _years(t, 1)),
    "on": (lambda t: date(2000, 1, 1), lambda t: _years(t, 5)),  # "as of" filters and reports
    "start": (lambda t: date(2004, 1, 1), lambda t: _years(t, 5)),  # calendar: the State Council data start in 2004
}


def implausible_date(field: str, day: date) -> str | None:
    """Why `day` is not plausible for `field` (DATE_RANGES), or None."""
    if field not in DATE_RANGES or not isinstance(day, date):
        return None
    today = today_in_china()
    earliest, latest = (bound(today) for bound in DATE_RANGES[field])
    if earliest <= day <= latest:
        return None
    return f"日期须在 {earliest:%Y-%m-%d} 至 {latest:%Y-%m-%d} 之间"


def plausible(field: str):
    """A marshmallow validator: the field's date lies in its DATE_RANGES range."""
    from marshmallow import ValidationError

    def check(day: date) -> None:
        problem = implausible_date(field, day)
        if problem:
            raise ValidationError(problem)
    return check
