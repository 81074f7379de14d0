"""Fixtures: one app per pytest process, reset per test, on a database restored from a seeded template.

Each pytest process (each pytest-xdist worker) migrates and seeds a template database once:
- TEST_DATABASE_URL unset: a SQLite file; every test starts on a fresh copy of it.
- TEST_DATABASE_URL=postgresql://.../<db>: the database <db> (under xdist <db>_<worker id>, created when
  missing); the seeded rows are kept in the schema `seed`, and every test starts by emptying the tables and
  copying them back (DELETE with triggers and foreign-key checks off + INSERT ... SELECT: much cheaper than
  TRUNCATE on tables this small).
The seed holds a long-lived bearer token per seeded user, issued by the login service, so as_user() needs
no login request. The app is built once per process (create_app costs more than most tests) and the app
fixture resets what a test may change. Commits need not reach the disk in tests: SQLite runs with
synchronous=OFF and PostgreSQL sessions with synchronous_commit=off.
"""
import copy
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from flask_migrate import upgrade
from freezegun import freeze_time
from sqlalchemy import Engine, event, text

from review_service import create_app
from review_service.accounts.service import create_user, log_in
from review_service.agencies.models import Agency
from review_service.extensions import db
from review_service.observability.logs import configure_logging
from review_service.processes.service import publish_default_version
from review_service.staffing.models import StaffMember

from .factories import OFFICERS, PASSWORD, PG_URL, STAFF_FROM, TEST_NOW, USERS, ApiClient

# freezegun patches every loaded module's time functions, pytest's own timer included; _pytest.timing keeps
# the real ones so that --durations reports real seconds (its frames only: tests still see the frozen clock).
CLOCK_IGNORE = ["playwright", "asyncio", "greenlet", "_pytest.timing"]
PG_SESSION = {"options": "-c synchronous_commit=off"}
TOKEN_YEARS = 100


@dataclass
class Template:
    """What a test's database is restored from, and the seeded users' bearer tokens."""

    url: str
    tokens: dict[str, str]
    sqlite_file: Path | None = None
    restore_sql: str = ""
    tables: list[str] = field(default_factory=list)


def _config(url: str, tmp_path: Path) -> dict:
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "ATTACHMENTS_DIR": tmp_path / "attachments",
              "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "MAX_ATTACHMENT_BYTES": 64 * 1024,
              "DOCUMENT_PDF": False}  # no LibreOffice job per document; tests of PDFs use the fixture pdf_documents
    if url.startswith("postgresql"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, "connect_args": PG_SESSION}
    return config


@event.listens_for(Engine, "connect")
def _sqlite_without_fsync(dbapi_connection, _record):
    if type(dbapi_connection).__module__ == "sqlite3":
        dbapi_connection.execute("PRAGMA synchronous=OFF")


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL run repeats what touches the database, not the rest (PG_RUN_ALL=1: everything).

    Run once, in the SQLite run: tests that never open the test database (no database_template in their
    fixtures and no PG_URL/POSTGRES in their module: static checks, the engine alone, the calendar) and the
    browser journeys (marked e2e: they drive the pages; the pages' server side runs on PostgreSQL in the
    test-client page tests).
    """
    if not PG_URL or os.environ.get("PG_RUN_ALL") == "1":
        return
    once = [item for item in items if _drives_a_browser(item) or not _opens_the_database(item)]
    if once:
        config.hook.pytest_deselected(items=once)
        kept = set(map(id, once))
        items[:] = [item for item in items if id(item) not in kept]


def _drives_a_browser(item) -> bool:
    return item.get_closest_marker("e2e") is not None or "browser" in getattr(item, "fixturenames", ())


def _opens_the_database(item) -> bool:
    module = vars(getattr(item, "module", None) or object)
    return "database_template" in getattr(item, "fixturenames", ()) or "PG_URL" in module or "POSTGRES" in module


@pytest.fixture(scope="session", autouse=True)
def session_clock():
    """The frozen clock, started once: starting freezegun patches every loaded module, which costs."""
    with freeze_time(TEST_NOW, tick=True, ignore=CLOCK_IGNORE) as clock:
        yield clock


@pytest.fixture(autouse=True)
def frozen_clock(session_clock):
    """Every test starts at TEST_NOW, ticking from there (a test's own freeze_time nests inside)."""
    session_clock.move_to(TEST_NOW)
    yield session_clock


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> Template:
    """Migrate and seed once per process; PostgreSQL also keeps the seeded rows and sequences aside."""
    folder = tmp_path_factory.mktemp("db")
    if PG_URL:
        _create_database(PG_URL)
        url = "postgresql+psycopg://" + PG_URL.split("://", 1)[1]
    else:
        url = f"sqlite:///{folder / 'template.db'}"
    app = create_app({**_config(url, folder), "TOKEN_TTL_HOURS": 24 * 365 * TOKEN_YEARS})
    with app.app_context(), freeze_time(TEST_NOW, tick=True, ignore=CLOCK_IGNORE):
        if PG_URL:
            db.session.execute(text("DROP SCHEMA IF EXISTS seed CASCADE; DROP SCHEMA public CASCADE; "
                                    "CREATE SCHEMA public"))
            db.session.commit()
        upgrade(revision="heads")
        _seed()
        tokens = {username: log_in(username, PASSWORD)[0] for username, _roles, _agency in USERS}
        db.session.commit()
        template = Template(url=url, tokens=tokens, sqlite_file=None if PG_URL else folder / "template.db")
        if PG_URL:
            template.tables, template.restore_sql = _keep_seed_aside()
        db.session.remove()
        db.engine.dispose()
    return template


def _create_database(url: str) -> None:
    """CREATE DATABASE for a worker's database (pytest-xdist) when it does not exist yet."""
    base, _, name = url.split("?", 1)[0].rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def _keep_seed_aside() -> tuple[list[str], str]:
    """Copy the seeded rows into schema `seed`; return the tables and the SQL that restores this state."""
    tables = [table.name for table in db.metadata.sorted_tables]
    in_database = set(db.session.scalars(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")))
    assert in_database == set(tables), f"tables of the migrations and of the models differ: {in_database ^ set(tables)}"
    seeded = [name for name in tables if db.session.scalar(text(f'SELECT EXISTS (SELECT FROM "{name}")'))]
    statements = ['CREATE SCHEMA seed'] + [f'CREATE TABLE seed."{name}" AS TABLE public."{name}"' for name in seeded]
    db.session.execute(text("; ".join(statements)))
    sequences = db.session.execute(text(
        "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")).all()
    db.session.commit()
    # the test superuser switches triggers off for the restore: those that refuse DELETE (append-only history)
    # and the foreign keys' checks, so a DELETE per table empties it (cheaper than TRUNCATE on tables this small)
    restore = (["SET LOCAL session_replication_role = replica"]
               + [f'DELETE FROM public."{name}"' for name in reversed(tables)]
               + [f'INSERT INTO public."{name}" SELECT * FROM seed."{name}"' for name in seeded]
               + [f"SELECT setval('{sequence}', {value or 1}, {'true' if value else 'false'})"
                  for sequence, value in sequences])
    return tables, "; ".join(restore)


@pytest.fixture(scope="session")
def shared_app(database_template, tmp_path_factory) -> Flask:
    """One app per process (building one costs more than most tests): the app fixture resets it per test."""
    folder = tmp_path_factory.mktemp("app")
    url = database_template.url if PG_URL else f"sqlite:///{folder / 'test.db'}"
    app = create_app(_config(url, folder))
    app.pristine = (copy.deepcopy(dict(app.config)), set(app.extensions), _setup_of(app))
    return app


def _setup_of(app: Flask) -> tuple:
    """The views and hooks of an app: a test that changes them must take fresh_app."""
    hooks = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
             app.teardown_appcontext_funcs)
    return (tuple(sorted((name, id(view)) for name, view in app.view_functions.items())),
            tuple(sum(map(len, hook.values())) if isinstance(hook, dict) else len(hook) for hook in hooks))


@pytest.fixture
def app(shared_app, database_template, tmp_path):
    """The process's app as create_app left it, on a database restored to the seeded template.

    Reset per test: the config (tests change settings), what extensions cached lazily (e.g. the working-day
    calendar), the log configuration, and the database (SQLite: a fresh copy of the template file).
    """
    yield from _reset(shared_app, database_template, tmp_path)


@pytest.fixture(scope="module")
def module_app(shared_app, database_template, tmp_path_factory):
    """The app reset as `app` does, once per module: for a module whose tests share one world built once
    (tests/test_permission_table.py); its tests must leave that world as they found it."""
    yield from _reset(shared_app, database_template, tmp_path_factory.mktemp("module"))


def _reset(app: Flask, database_template: Template, folder: Path):
    """Reset the shared app and restore the seeded database; after the caller, check the app's setup is kept."""
    config, extensions, setup = app.pristine
    app.config.clear()
    app.config.update(copy.deepcopy(config), ATTACHMENTS_DIR=folder / "attachments")
    for name in set(app.extensions) - extensions:
        del app.extensions[name]
    configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    with app.app_context():
        if PG_URL:
            db.session.execute(text(database_template.restore_sql))
            db.session.commit()
        else:
            _restore_file(database_template.sqlite_file, Path(db.engine.url.database))
        db.session.remove()
    yield app
    assert _setup_of(app) == setup, "this test changed the shared app's views or hooks: let it take fresh_app"
    with app.app_context():
        db.session.remove()
        if not PG_URL:
            db.engine.dispose()  # every connection closed: the next test replaces the file


@pytest.fixture
def fresh_app(app):
    """An app of its own on the test's database, for a test that changes the app's setup (adds routes, wraps
    views again), which the shared app must not keep and Flask refuses once it has served a request."""
    fresh = create_app(copy.deepcopy(dict(app.config)))
    yield fresh
    with fresh.app_context():
        db.session.remove()
        db.engine.dispose()


def _restore_file(template: Path, target: Path) -> None:
    for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(template, target)


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
def as_user(app, database_template):
    """as_user("reviewer") -> an ApiClient sending that user's bearer token (seeded users: issued with the
    seed; users a test adds: logged in through the API)."""
    clients = {}

    def factory(username: str) -> ApiClient:
        if username not in clients:
            token = database_template.tokens.get(username)
            clients[username] = (ApiClient(app.test_client(), token) if token
                                 else ApiClient.logged_in(app.test_client(), username, PASSWORD))
        return clients[username]
    return factory


@pytest.fixture(scope="session")
def converter():
    """LibreOffice (soffice) and poppler-utils (pdftotext, pdftoppm, pdffonts) for document PDFs: skip without
    them, unless REQUIRE_E2E=1 (set by .ci/run, which installs them)."""
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
