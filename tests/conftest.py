"""Fixtures: an app on a freshly migrated database per test, API clients per demo role.

TEST_DATABASE_URL unset: each test gets a copy of a migrated SQLite file.
TEST_DATABASE_URL=postgresql://...: the schema is migrated once, tables are truncated per test.
"""
import os
import shutil
from datetime import date

import pytest
from flask_migrate import upgrade
from freezegun import freeze_time
from sqlalchemy import text

from review_service import create_app
from review_service.accounts.service import create_user
from review_service.agencies.models import Agency
from review_service.extensions import db
from review_service.processes.service import publish_default_version
from review_service.staff.models import StaffMember

from .helpers import ApiClient

PG_URL = os.environ.get("TEST_DATABASE_URL")
# Every test runs on this instant (Beijing 09:00 on a Monday the calendar covers), ticking from there, so
# deadlines and statutory caps computed from "today" never depend on the day the suite runs. A test that
# needs another instant freezes its own inside this one.
TEST_NOW = "2026-11-02 01:00:00"
PASSWORD = "correct horse battery"
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


def _config(url: str, tmp_path) -> dict:
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "ATTACHMENTS_DIR": tmp_path / "attachments",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "MAX_ATTACHMENT_BYTES": 64 * 1024,
            "DOCUMENT_PDF": False}  # no LibreOffice job per document; tests of PDFs use the fixture pdf_documents


def _pg_url() -> str:
    return "postgresql+psycopg://" + PG_URL.split("://", 1)[1]


@pytest.fixture(autouse=True)
def frozen_clock():
    with freeze_time(TEST_NOW, tick=True, ignore=["playwright", "asyncio", "greenlet"]):
        yield


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Run the Alembic migrations once; the per-test databases start from the result."""
    folder = tmp_path_factory.mktemp("db")
    url = _pg_url() if PG_URL else f"sqlite:///{folder / 'template.db'}"
    app = create_app(_config(url, folder))
    with app.app_context():
        if PG_URL:
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade(revision="heads")
        db.engine.dispose()
    return folder / "template.db"


@pytest.fixture
def app(database_template, tmp_path):
    if PG_URL:
        url = _pg_url()
    else:
        shutil.copy(database_template, tmp_path / "test.db")
        url = f"sqlite:///{tmp_path / 'test.db'}"
    app = create_app(_config(url, tmp_path))
    with app.app_context():
        if PG_URL:
            tables = ", ".join(t.name for t in db.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.session.commit()
        _seed()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _seed():
    province = Agency(code="province", name="省市场监督管理局", level="province")
    db.session.add(province)
    db.session.flush()
    agencies = {"province": province}
    for code, name in (("city", "市市场监督管理局"), ("other", "市生态环境局")):
        agencies[code] = Agency(code=code, name=name, level="city", parent_id=province.id)
        db.session.add(agencies[code])
    db.session.flush()
    for username, roles, agency in USERS:
        user = create_user(agency_id=agencies[agency].id, username=username, full_name=username, password=PASSWORD,
                           roles=roles)
        if "reviewer" in roles:  # qualified reviewers, so every existing case stays assignable
            db.session.add(StaffMember(agency_id=user.agency_id, kind="legal_reviewer", name=username, user_id=user.id,
                                       legal_qualification_no=f"A2019{user.id:07d}", valid_from=STAFF_FROM))
    agencies["city"].acceptance_from_queue = True  # its reviewers claim acceptances from a shared queue
    for code, officers in OFFICERS.items():
        db.session.add_all(StaffMember(agency_id=agencies[code].id, kind="enforcement_officer", name=f"{code}执法{n}",
                                       enforcement_certificate_no=f"{code}-{n:04d}", valid_from=STAFF_FROM)
                           for n in range(officers))
    publish_default_version()
    db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def as_user(app):
    """as_user("reviewer") -> an ApiClient logged in as that user."""
    clients = {}

    def factory(username: str) -> ApiClient:
        if username not in clients:
            clients[username] = ApiClient.logged_in(app.test_client(), username, PASSWORD)
        return clients[username]
    return factory


@pytest.fixture(scope="session")
def converter():
    """LibreOffice (soffice) and poppler-utils (pdftotext, pdftoppm) for document PDFs: skip without them,
    unless REQUIRE_E2E=1 (set by .ci/run, which installs them)."""
    missing = [tool for tool in ("soffice", "pdftotext", "pdftoppm", "pdffonts") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail(f"REQUIRE_E2E=1 but {', '.join(missing)} missing (apt-get install libreoffice-writer-nogui "
                        "poppler-utils fonts-noto-cjk)")
        pytest.skip(f"{', '.join(missing)} not installed: PDF tests skipped")
    return shutil.which("soffice")


@pytest.fixture
def pdf_documents(app, converter):
    """Documents get their PDF job, as in production (REVIEW_DOCUMENT_PDF=1)."""
    app.config["DOCUMENT_PDF"] = True
    return app
