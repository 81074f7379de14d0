"""Locale choice (Chinese unless the user picked English) and the date/label helpers of the templates."""
from datetime import date, datetime

from flask import request, session
from flask_babel import Babel, format_date, format_datetime
from flask_login import current_user

from ..notifications.service import unread_count
from . import labels
from .forms import error_items

babel = Babel()
LOCALES = {"zh_Hans_CN": "中文", "en": "English"}


def select_locale() -> str:
    chosen = session.get("lang")
    return chosen if chosen in LOCALES else "zh_Hans_CN"


def long_date(value) -> str:
    """2026年10月13日 (English: October 13, 2026); empty for no date."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_date(value, "long")


def date_time(value: datetime | None) -> str:
    """Beijing time, e.g. 2026年10月13日 14:05."""
    if value is None:
        return ""
    return format_date(value, "long") + " " + format_datetime(value, "HH:mm")


def _unread_notifications() -> int:
    return unread_count(current_user.id) if current_user.is_authenticated else 0


def register_template_helpers(app) -> None:
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["date_time"] = date_time
    app.jinja_env.globals.update(labels=labels, LOCALES=LOCALES, current_locale=select_locale,
                                 unread_notifications=_unread_notifications, form_error_items=error_items,
                                 request_path=lambda: request.full_path.rstrip("?"))
