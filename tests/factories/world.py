"""The seeded world every test starts from (its constants), helpers that add to it in the database outside any
request (they commit, as a CLI command would), the worker's due jobs run in the test, and the SQL a block sends."""
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import event, select

from review_service.accounts.service import create_user
from review_service.agencies.models import Agency
from review_service.extensions import db
from review_service.staffing.models import StaffMember


def _worker_database(url: str | None) -> str | None:
    """Under pytest-xdist each worker has its own PostgreSQL database: <name>_<worker id>, e.g. test_gw0."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base, query_mark, query = url.partition("?")
    return f"{base}_{worker}{query_mark}{query}"


PG_URL = _worker_database(os.environ.get("TEST_DATABASE_URL"))  # this process's test database (None: SQLite)

# Every test runs on this instant (Beijing 09:00 on a Monday the calendar covers), ticking from there, so
# deadlines and statutory caps computed from "today" never depend on the day the suite runs. A test that
# needs another instant freezes its own inside this one.
TEST_NOW = "2026-11-02 01:00:00"
PASSWORD = "Correct horse battery 9"
USERS = [  # username, roles, agency code
    ("handler", ["handler"], "city"), ("handler2", ["handler"], "city"),
    ("reviewer", ["reviewer"], "city"), ("reviewer2", ["reviewer"], "city"),
    ("head", ["head"], "city"), ("supervisor", ["supervisor"], "province"),
    ("designer", ["designer"], "city"), ("handler_reviewer", ["handler", "reviewer"], "city"),
    ("admin", ["admin"], "city"), ("other.handler", ["handler"], "other"), ("other.reviewer", ["reviewer"], "other"),
    ("other.head", ["head"], "other"),
]
STAFF_FROM = date(2020, 1, 1)
OFFICERS = {"city": 40, "other": 10}  # 5% rule: 2 and 1 reviewers required
BEIJING = timezone(timedelta(hours=8))
WORKDAYS_EXAMPLE = Path(__file__).parents[2] / "review_service" / "workdays" / "examples" / "2027-example.json"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def beijing(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=BEIJING)


def create_agency_with_users(code: str, roles=("handler", "reviewer", "head"), *, name: str | None = None):
    """A new top-level agency and one user per role (username code.role, full name code+role), the reviewer
    with a 法律职业资格 number. Call inside an app context; commits."""
    agency = Agency(code=code, name=name or f"{code} 示例局", level="city")
    db.session.add(agency)
    db.session.flush()
    for role in roles:
        user = create_user(agency_id=agency.id, username=f"{code}.{role}", full_name=f"{code}{role}",
                           password=PASSWORD, roles=[role])
        if role == "reviewer":
            db.session.add(StaffMember(agency_id=agency.id, kind="legal_reviewer", name=user.full_name,
                                       user_id=user.id, legal_qualification_no=f"A2019{user.id:07d}",
                                       valid_from=date(2020, 1, 1)))
    db.session.commit()
    return agency


def short_of_reviewers(app, code: str) -> None:
    """11 more officers for the agency `code`: its 21 need 2 reviewers; it has 1 (the 5% rule is not met)."""
    with app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.code == code))
        db.session.add_all(StaffMember(agency_id=agency.id, kind="enforcement_officer", name=f"新增{n}",
                                       enforcement_certificate_no=f"{code}-y{n}", valid_from=STAFF_FROM)
                           for n in range(11))
        db.session.commit()


def run_due_jobs(app, *, batch: int = 100) -> list:
    """Worker iterations in the test's process until none is left: every job due now runs (timers, then the
    PDF conversions and archive packages, one per iteration as the worker takes them)."""
    from review_service.jobs.worker import work_once
    results: list = []
    with app.app_context():
        while found := work_once("test-worker", batch=batch):
            results += found
        db.session.remove()
    return results


@contextmanager
def statements_sent() -> Iterator[list[str]]:
    """The SQL statements the app's engine sends inside the block (on SQLite its BEGIN too), as a list."""
    sent: list[str] = []

    def record(_connection, _cursor, statement, *_args):
        sent.append(statement)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
