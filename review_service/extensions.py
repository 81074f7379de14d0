"""Flask extensions, created unbound and initialised by the app factory."""
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Objects stay loaded after commit: the response is built from them without re-reading every row.
db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION), session_options={"expire_on_commit": False})
migrate = Migrate()

if TYPE_CHECKING:  # what db.Model is, for mypy (it cannot see through the attribute of an instance)
    from sqlalchemy.orm import DeclarativeBase

    class Model(DeclarativeBase):
        query: Any
else:
    Model = db.Model
# Set by unit_of_work() for the work it runs: True when that work only reads (a GET request).
read_only_transactions: ContextVar[bool] = ContextVar("read_only_transactions", default=False)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    """SQLite: WAL, foreign keys, a busy wait, and transactions we begin ourselves."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    dbapi_connection.isolation_level = None  # let the "begin" hook below issue BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite_immediately(conn):
    """SQLite: writers take the write lock at BEGIN, so they never fail upgrading a stale snapshot.

    This serialises writers the way SELECT ... FOR UPDATE does on PostgreSQL; a read-only unit of work
    (a GET request) begins a plain (deferred) transaction, so it runs beside a writer under WAL.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN" if read_only_transactions.get() else "BEGIN IMMEDIATE")


def _plain_description_cursor() -> type:
    """A psycopg cursor whose `description` is a list of plain DBAPI 7-tuples (name, type oid, five Nones):
    SQLAlchemy reads only the first two items, and psycopg's Column objects (a type lookup each, items
    through properties) cost about 1.3 µs per column of every result, 150 columns per task completion."""
    import psycopg  # only where PostgreSQL is used
    from psycopg.pq import ExecStatus
    returns_rows = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)

    class Cursor(psycopg.Cursor):
        @property
        def description(self) -> list[tuple] | None:  # type: ignore[override]
            result = self.pgresult
            if result is None or not (result.nfields or result.status in returns_rows):
                return None
            encoding = self.connection.info.encoding
            return [((result.fname(index) or f"column_{index + 1}".encode()).decode(encoding),
                     result.ftype(index), None, None, None, None, None) for index in range(result.nfields)]
    return Cursor


def tune_postgresql(engine: Engine) -> None:
    """PostgreSQL: an INSERT of several rows without RETURNING is sent as one INSERT ... VALUES (...), (...)
    (SQLAlchemy's insertmanyvalues, what its psycopg2 dialect does by default) instead of psycopg's
    executemany, whose pipeline costs the client about 3x the CPU and the server 2x (a completion's history
    entries, new tasks, alert jobs); its connections' cursors describe results as plain tuples
    (_plain_description_cursor)."""
    if engine.dialect.name == "postgresql":
        engine.dialect.use_insertmanyvalues_wo_returning = True
        cursor_class = _plain_description_cursor()
        event.listen(engine, "connect", lambda connection, _record: setattr(connection, "cursor_factory", cursor_class))
