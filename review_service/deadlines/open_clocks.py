"""A case's open (running and paused) clocks as the transaction sees them: the task mirror's first read."""
from typing import Any

from sqlalchemy import bindparam, inspect, select

from ..extensions import db
from ..persistence import built_once, read_without_flush, unsaved
from .models import OPEN_STATUSES, Deadline


@built_once
def _open_deadlines_statement() -> Any:
    return select(Deadline).where(Deadline.case_id == bindparam("case_id"), Deadline.status.in_(OPEN_STATUSES))


def _held(read_with_lock: list[Deadline], case_id: int) -> list[Deadline]:
    """The clocks read with the lock, and those of the case the session holds since (written open, e.g. by
    add_at_once): what the query would answer, whose WHERE sees each row's status as written."""
    held = {row.id: row for row in read_with_lock}
    for row in db.session.identity_map.values():
        if isinstance(row, Deadline) and row.id not in held and row.case_id == case_id:
            written = inspect(row).committed_state.get("status", row.status)
            if written in OPEN_STATUSES:
                held[row.id] = row
    return list(held.values())


def open_clocks() -> tuple[Any, Any]:
    """(Deadline, the SQL condition of an open clock): for the task mirror's read of a case with its lock."""
    return Deadline, Deadline.status.in_(OPEN_STATUSES)


def open_deadlines(case_id: int, *, read_with_lock: list[Deadline] | None = None) -> list[Deadline]:
    """The case's running and paused clocks as this transaction sees them, read without flushing first.

    A row changed in memory counts by its in-memory status, and a clock added but not flushed yet counts
    too: the same answer an autoflush would give, without writing the transaction's rows at this point.
    read_with_lock: its open clocks as read with the case lock; then no query (see _held).
    """
    if read_with_lock is None:
        rows = read_without_flush(_open_deadlines_statement(), {"case_id": case_id})
    else:
        rows = sorted(_held(read_with_lock, case_id), key=lambda row: row.id)
    pending = unsaved(Deadline, lambda row: row.case_id == case_id)
    return [row for row in rows + pending if row.status in OPEN_STATUSES]
