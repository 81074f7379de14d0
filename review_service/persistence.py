"""The fast paths of the hot path (a task completion), in one place: the ways it writes and reads
without paying the ORM unit of work's default costs, each with the reason it stays correct.

Services call these instead of reaching into the session; `tests/test_statement_counts.py` counts the
SQL statements of every step of a whole case on SQLite and PostgreSQL and fails if one grows, so a
change that silently undoes one of these tricks (an extra autoflush, a statement per row) is caught.

- `insert_rows`: rows nothing in the request reads back as objects (new tasks, jobs, opinions,
  decisions, history events) are INSERTed at once in one Core statement, outside the unit of work.
- `built_once`: statements every completion runs are built on first use and reused with parameters
  (building a select costs more than running it on SQLite).
- `read_without_flush` / `unsaved`: read rows without the autoflush a query would do, and see the
  rows this transaction added but did not write yet; one flush at the end writes everything.
- `flush_if_unsaved`: flush before a query only when an unwritten row could change its answer.
- `execute_core` / `compare_and_set`: a Core statement on the transaction's connection (no autoflush,
  no ORM bulk step); the compare-and-set says whether exactly one row matched.
"""
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

from .extensions import db

T = TypeVar("T")

built_once = cache
"""Decorator for a function without arguments that builds a statement: built on first use (when every
mapper is known), then reused; pass values as bind parameters."""


def insert_rows(model: Any, rows: list[dict]) -> None:
    """INSERT rows of `model` at once, in one Core statement on the transaction's connection.

    For rows the request never reads back as objects (no unit of work, no ids returned); a later query
    reads them from the table like any other row. Rows they refer to must be written already.
    """
    if rows:
        db.session.connection().execute(_insert_statement(model.__table__), rows)


@cache
def _insert_statement(table: Any) -> Any:
    return table.insert()


@contextmanager
def no_autoflush() -> Iterator[None]:
    """Queries inside do not flush first: for reads whose answer the unwritten rows cannot change."""
    with db.session.no_autoflush:
        yield


def read_without_flush(statement: Any, params: dict | None = None) -> list:
    """The ORM rows of `statement` as this transaction sees them, without flushing first: a row already
    in the session keeps its in-memory (possibly unwritten) state. Rows added but not flushed are not
    in the answer: add `unsaved(...)` where they count."""
    with db.session.no_autoflush:
        return list(db.session.scalars(statement, params or {}))


def unsaved(model: type[T], matches: Callable[[T], bool] = lambda _row: True) -> list[T]:
    """Rows of `model` added to this transaction and not flushed yet, that `matches` accepts."""
    return [row for row in db.session.new if isinstance(row, model) and matches(row)]


def flush_if_unsaved(could_change_the_answer: Callable[[Any], bool]) -> None:
    """Flush now only if an unwritten row (new, changed or deleted) could change the answer of the query
    that follows; otherwise the caller's one flush at the end writes it (no row is written twice)."""
    session = db.session
    if any(could_change_the_answer(row) for row in (*session.new, *session.dirty, *session.deleted)):
        session.flush()


def execute_core(statement: Any, params: dict | list[dict] | None = None) -> Any:
    """Run a Core statement on the transaction's connection: no autoflush first, no ORM bookkeeping.
    The rows it changes are not refreshed in the session; use it for rows the session does not hold
    or whose in-memory state it does not matter to."""
    return db.session.connection().execute(statement, params)


def compare_and_set(statement: Any, params: dict) -> bool:
    """Run a Core UPDATE whose WHERE names the version that was read; True if exactly that row changed."""
    return execute_core(statement, params).rowcount == 1


def among(column, values) -> Any:
    """SQL `column IN values`; on PostgreSQL `column = ANY(:array)`, one parameter however many values.

    A province's scope is 3,000 agency ids: as 3,000 bound parameters each such query spent more time being
    compiled and sent than run. SQLite keeps the plain IN.
    """
    from sqlalchemy import Integer, any_, bindparam
    from sqlalchemy.dialects.postgresql import ARRAY
    values = list(values)
    if db.session.get_bind().dialect.name != "postgresql":
        return column.in_(values)
    return column == any_(bindparam(None, values, type_=ARRAY(Integer)))


def plan_for_the_values_given() -> None:
    """On PostgreSQL, plan the rest of this transaction's statements for their actual parameters each time.

    psycopg prepares a statement from its 5th execution on, and PostgreSQL may then switch to a generic plan that
    is blind to how many ids `among` passes: the province dashboard's aggregations went from about 1 s to over
    60 s on the 500,000-case data set (bench/province_costs.py). Reports over whole agency trees call this.
    """
    from sqlalchemy import text
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
