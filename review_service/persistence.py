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
- `add_at_once`: new rows the request reads back as objects (a case's new clocks) in one INSERT ...
  RETURNING their ids, kept in the session as if read: no flush, so nothing else is written with them.
- `flush_changes`: the closing flush; the changed columns of loaded rows as Core UPDATEs, on PostgreSQL
  all in one statement (a round trip each is most of what a completion costs more there than on SQLite),
  rows in one order, so the same changes are the same statement text (compiled once, prepared by psycopg).
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


def add_at_once(rows: list) -> None:
    """Write new ORM rows of one model in one INSERT ... RETURNING their ids, and keep them in the session as
    rows read from the table: their ids are known and no flush writes them (nor the transaction's other rows).

    For rows with an autoincrement id, column values only (no relationship set) and Python-side defaults,
    which are set on each row first as a flush would.
    """
    from sqlalchemy.orm import make_transient_to_detached
    from sqlalchemy.orm.attributes import instance_state
    if not rows:
        return
    mapper = instance_state(rows[0]).mapper
    table, (key_column,) = mapper.local_table, mapper.primary_key
    columns = [(column, mapper.get_property_by_column(column).key) for column in table.columns
               if column is not key_column]
    values = []
    for row in rows:
        state = instance_state(row)
        for column, key in columns:
            if key not in state.dict:
                setattr(row, key, _python_default(column))
        values.append({column.key: state.dict[key] for column, key in columns})
    ids = execute_core(_insert_returning_key(table), values).scalars().all()
    for row, key_value in zip(rows, ids, strict=True):
        setattr(row, mapper.get_property_by_column(key_column).key, key_value)
        make_transient_to_detached(row)
        db.session.add(row)  # persistent and clean: as if read after the INSERT


def _python_default(column: Any) -> Any:
    default = column.default
    if default is None and column.server_default is None:
        return None
    if default is None:
        raise ValueError(f"add_at_once: {column} has only a server default")
    if default.is_scalar:
        return default.arg
    if default.is_callable:
        return default.arg(None)
    raise ValueError(f"add_at_once: {column} has a SQL default")


@cache
def _insert_returning_key(table: Any) -> Any:
    (key_column,) = table.primary_key.columns
    return table.insert().returning(key_column, sort_by_parameter_order=True)


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


def flush_changes() -> None:
    """The closing flush of a hot path: the changed columns of rows this transaction read, written by
    Core UPDATEs built once per shape (on PostgreSQL all of them in one statement, each UPDATE a CTE),
    instead of the unit of work's per-row machinery; the same rows, values and onupdate columns as
    `session.flush()`, which remains the way whenever the transaction also holds new or deleted rows, or
    a change the fast path does not write (a relationship, a SQL expression, mapper events, versioning)."""
    session = db.session()
    found = [] if session.new or session.deleted else [_column_changes(row) for row in session.dirty]
    changed = [change for change in found if change is not None]
    if not found or len(changed) < len(found):
        session.flush()
        return
    # in one order (table, then primary key) whatever the session's: one statement text per shape of change, so
    # SQLAlchemy compiles it once and psycopg prepares it (PostgreSQL no longer parses and plans the closing
    # statement of every permutation of the same rows), and rows are always locked in the same order
    writes = sorted((change for change in changed if change.values), key=_ColumnChanges.order)
    if writes:
        _write_updates(writes)
    for change in changed:
        change.mark_written(session)


class _ColumnChanges:
    """One changed row: its table, primary key and new column values (onupdate columns included)."""

    def __init__(self, state: Any, table: Any, values: dict) -> None:
        self.state, self.table, self.values = state, table, values
        self.shape = (table, tuple(sorted(column.key for column in values)))

    def order(self) -> tuple:
        return self.table.name, self.state.key[1]

    def params(self, prefix: str = "") -> dict:
        mapper = self.state.mapper
        keys = {f"{prefix}k_{column.key}": value for column, value in
                zip(mapper.primary_key, self.state.key[1], strict=True)}
        return keys | {f"{prefix}v_{column.key}": value for column, value in self.values.items()}

    def mark_written(self, session: Any) -> None:
        """Mark the row written, as a flush does (onupdate values set on the object too)."""
        mapper = self.state.mapper
        for column, value in self.values.items():
            self.state.dict[mapper.get_property_by_column(column).key] = value
        self.state._commit_all(self.state.dict, session.identity_map)  # what the unit of work does after a flush


def _column_changes(row: Any) -> "_ColumnChanges | None":
    """The row's changed columns, or None when the fast path cannot write its changes."""
    from sqlalchemy.orm import ColumnProperty
    from sqlalchemy.orm.attributes import instance_state
    state = instance_state(row)
    mapper = state.mapper
    table = mapper.local_table
    if (state.key is None or len(mapper.tables) != 1 or mapper.version_id_col is not None
            or mapper.dispatch.before_update or mapper.dispatch.after_update):
        return None
    values = {}
    for key, committed in state.committed_state.items():
        prop = mapper.attrs.get(key)
        if not isinstance(prop, ColumnProperty) or len(prop.columns) != 1:
            return None
        column, value = prop.columns[0], state.dict.get(key)
        if column.table is not table or column.primary_key or hasattr(value, "__clause_element__"):
            return None
        if state.manager[key].impl.is_equal(value, committed) is not True:
            values[column] = value
    if values and not _add_onupdate_values(table, values):
        return None
    return _ColumnChanges(state, table, values)


def _add_onupdate_values(table: Any, values: dict) -> bool:
    """Add the Python-side onupdate values an UPDATE sets; False if a column's is computed by the database."""
    for column in table.columns:
        if column in values:
            continue
        if column.server_onupdate is not None:
            return False
        default = column.onupdate
        if default is not None:
            if not (default.is_scalar or default.is_callable):
                return False
            values[column] = default.arg if default.is_scalar else default.arg(None)
    return True


def _write_updates(writes: list[_ColumnChanges]) -> None:
    """SQLite: one statement per shape (executemany for several rows). PostgreSQL: one statement."""
    from sqlalchemy.orm.exc import StaleDataError
    if db.session.get_bind().dialect.name == "postgresql":
        counts = execute_core(_chained_updates(tuple(write.shape for write in writes)),
                              {key: value for number, write in enumerate(writes)
                               for key, value in write.params(f"w{number}_").items()}).one()
        matched = sum(counts)
    else:
        matched = 0
        for shape in dict.fromkeys(write.shape for write in writes):
            params = [write.params() for write in writes if write.shape == shape]
            matched += execute_core(_update_statement(shape), params if len(params) > 1 else params[0]).rowcount
    if matched != len(writes):
        raise StaleDataError(f"UPDATE expected to match {len(writes)} rows; {matched} matched")


def _update_of(shape: tuple, prefix: str = "") -> Any:
    from sqlalchemy import bindparam, update
    table, keys = shape
    return (update(table).where(*[column == bindparam(f"{prefix}k_{column.key}", type_=column.type)
                                  for column in table.primary_key.columns])
            .values({table.c[key]: bindparam(f"{prefix}v_{key}", type_=table.c[key].type) for key in keys}))


@cache
def _update_statement(shape: tuple) -> Any:
    return _update_of(shape)


@cache
def _chained_updates(shapes: tuple) -> Any:
    """PostgreSQL: every UPDATE a CTE of one SELECT that answers how many rows each matched."""
    from sqlalchemy import func, literal_column, select
    ctes = [_update_of(shape, f"w{number}_").returning(literal_column("1")).cte(f"w{number}")
            for number, shape in enumerate(shapes)]
    return select(*[select(func.count()).select_from(cte).scalar_subquery() for cte in ctes])
