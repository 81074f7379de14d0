"""Readiness: the database answers, its schema is at the migrations' head(s), the calendar covers this year.

A failing check says why in words an operator can act on; it never carries the SQL a driver error quotes
(the full error goes to the log, once, with the request id)."""
import logging

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from ..extensions import db
from ..unit_of_work import reading

log = logging.getLogger(__name__)


class NotReady(Exception):
    """An expected reason not to serve; its message is shown as the check's detail."""


def readiness_checks() -> dict[str, dict]:
    """{check name: {"ok": bool, "detail": str}}. A check that needs an earlier one is left out while that
    one fails: nothing after an unreachable database, no calendar on a schema that is not at head."""
    checks = {"database": _check("database", _database)}
    if checks["database"]["ok"]:
        checks["migrations"] = _check("migrations", _migrations)
    if checks.get("migrations", {}).get("ok"):
        checks["calendar"] = _check("calendar", _calendar)
    return checks


def failing(checks: dict[str, dict]) -> list[str]:
    """The names of the checks that failed."""
    return [name for name, check in checks.items() if not check["ok"]]


def _check(name: str, function) -> dict:
    """Run one check in a read-only unit of work of its own (a failed statement never spoils the next check)."""
    try:
        with reading():
            return {"ok": True, "detail": function()}
    except Exception as exc:  # noqa: BLE001  (any failure makes the node not ready, with the reason)
        return {"ok": False, "detail": _reason(name, exc)}


def _reason(name: str, exc: Exception) -> str:
    """Our own reasons as they are; a driver error as its class and first line (no SQL); anything else by name."""
    if isinstance(exc, NotReady):
        return str(exc)[:500]
    log.warning("readiness check %s failed", name, exc_info=exc)
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        first_line = (str(exc.orig).strip().splitlines() or [""])[0]
        return f"{type(exc).__name__}: {first_line}"[:300]
    return f"{type(exc).__name__} (see the log)"


def _database() -> str:
    db.session.execute(text("SELECT 1"))
    return db.engine.dialect.name


def _migrations() -> str:
    expected = set(ScriptDirectory(str(current_app.config["MIGRATIONS_DIR"])).get_heads())
    connection = db.session.connection()
    current = set()
    if inspect(connection).has_table("alembic_version"):
        current = set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    if current != expected:
        raise NotReady(f"database at {sorted(current) or 'no revision (empty database)'}, code expects "
                       f"{sorted(expected)}; run `flask db upgrade` (the migrate step)")
    return ",".join(sorted(current))


def readiness_warnings() -> list[str]:
    """What does not stop serving but needs an operator soon: a coming year without calendar data.
    Call only on a ready node (it reads the database)."""
    from ..china_time import today_in_china
    from ..workdays.service import missing_years_ahead
    with reading():
        years = missing_years_ahead(today_in_china())
    return [f"calendar: {year} has no holiday arrangement; time limits reaching it stay unknown until "
            f"`flask review calendar load` is run with the State Council notice" for year in years]


def _calendar() -> str:
    from ..china_time import today_in_china
    from ..workdays.service import check_year_covered
    from ..workdays.sources import CalendarDataMissing
    year = today_in_china().year
    try:
        check_year_covered(year)
    except CalendarDataMissing as exc:
        raise NotReady(f"{year} has no working-day calendar; load the State Council notice with "
                       "`flask review calendar load`") from exc
    return f"{year} covered"
