"""Readiness: the database answers, its schema is at the migrations' head(s), the calendar covers this year."""
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text

from ..extensions import db
from ..unit_of_work import reading


def readiness_checks() -> dict[str, dict]:
    """{check name: {"ok": bool, "detail": str}}; later checks are skipped when the database is unreachable."""
    checks = {"database": _check(_database)}
    if checks["database"]["ok"]:
        checks["migrations"] = _check(_migrations)
        checks["calendar"] = _check(_calendar)
    return checks


def _check(function) -> dict:
    """Run one check in a read-only unit of work of its own (a failed statement never spoils the next check)."""
    try:
        with reading():
            return {"ok": True, "detail": function()}
    except Exception as exc:  # noqa: BLE001  (any failure makes the node not ready, with the reason)
        return {"ok": False, "detail": f"{type(exc).__name__}: {exc}"[:500]}


def _database() -> str:
    db.session.execute(text("SELECT 1"))
    return db.engine.dialect.name


def _migrations() -> str:
    expected = set(ScriptDirectory(str(current_app.config["MIGRATIONS_DIR"])).get_heads())
    current = set(MigrationContext.configure(db.session.connection()).get_current_heads())
    if current != expected:
        raise RuntimeError(f"database at {sorted(current) or 'no revision'}, code expects {sorted(expected)}; "
                           "run `flask db upgrade` (the migrate step)")
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
    year = today_in_china().year
    check_year_covered(year)
    return f"{year} covered"
