"""Append to and verify a case's history (hash-chained, append-only)."""
import hashlib
import json
from datetime import date
from decimal import Decimal

from sqlalchemy import event, select

from ..accounts.roles import Actor
from ..db_types import utcnow
from ..extensions import db
from ..persistence import insert_rows
from .models import CaseEvent

GENESIS_HASH = "0" * 64


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def to_plain(data: dict) -> dict:
    """Data as it will be stored: JSON types only (Decimal -> str, date -> ISO)."""
    return json.loads(json.dumps(data, default=_jsonable))


def _digest(fields: dict) -> str:
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _chained_fields(event_row: CaseEvent) -> dict:
    return {"case_id": event_row.case_id, "seq": event_row.seq, "occurred_at": event_row.occurred_at.isoformat(),
            "actor_id": event_row.actor_id, "actor_name": event_row.actor_name, "action": event_row.action,
            "task_id": event_row.task_id, "round": event_row.round, "data": event_row.data,
            "prev_hash": event_row.prev_hash}


def chain_event(case, *, actor: Actor | None, action: str, data: dict | None = None,
                task_id: str | None = None) -> CaseEvent:
    """The case's next history event, hash-chained, not written; the case's chain head moves to it."""
    row = CaseEvent(case_id=case.id, seq=(case.history_seq or 0) + 1, occurred_at=utcnow(),
                    actor_id=actor.id if actor else None, actor_name=actor.full_name if actor else "系统",
                    action=action, task_id=task_id, round=case.round, data=to_plain(data or {}),
                    prev_hash=case.history_hash or GENESIS_HASH)
    row.hash = _digest(_chained_fields(row))
    case.history_seq, case.history_hash = row.seq, row.hash
    return row


def record_event(case, *, actor: Actor | None, action: str, data: dict | None = None,
                 task_id: str | None = None) -> CaseEvent:
    """Append one event to the case's history; the case row keeps the chain's head. The caller holds the case lock.

    The event is INSERTed at once on the transaction's connection (it is never changed afterwards, so it
    needs no unit-of-work bookkeeping); the case row, flushed later, must already exist. Returns the row
    as written (not attached to the session).
    """
    row = chain_event(case, actor=actor, action=action, data=data, task_id=task_id)
    insert_events([row])
    return row


def insert_events(rows: list[CaseEvent]) -> None:
    """INSERT events made by chain_event, in their order, in one statement (a request that records several
    collects them and writes them at once: one round trip instead of one per event)."""
    insert_rows(CaseEvent, [{column: getattr(row, column) for column in _EVENT_COLUMNS} for row in rows])


_EVENT_COLUMNS = ("case_id", "seq", "occurred_at", "actor_id", "actor_name", "action", "task_id", "round", "data",
                  "prev_hash", "hash")


def case_history(case_id: int) -> list[CaseEvent]:
    return list(db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)))


def verify_chain(events: list[CaseEvent], *, head_seq: int, head_hash: str) -> int | None:
    """The seq at which the history stops matching, or None if it is intact.

    Each event must carry the next seq, link to its predecessor's hash and hash to its own; the last one
    must be the head the case row keeps (count and hash, written in the same transaction as each event),
    so a removed tail is reported at the first missing seq, and an event beyond the head at its own.
    """
    previous, expected = GENESIS_HASH, 1
    for row in events:
        if row.seq != expected or row.prev_hash != previous or _digest(_chained_fields(row)) != row.hash:
            return expected if row.seq > expected else row.seq
        if row.seq > head_seq:
            return row.seq
        previous, expected = row.hash, expected + 1
    if expected - 1 != head_seq or previous != head_hash:
        return expected
    return None


def verify_case_history(case) -> tuple[list[CaseEvent], int | None]:
    """The case's events, oldest first, and where the chain is broken against the case's head (None: intact)."""
    events = case_history(case.id)
    return events, verify_chain(events, head_seq=case.history_seq or 0, head_hash=case.history_hash or GENESIS_HASH)


@event.listens_for(CaseEvent, "before_update")
@event.listens_for(CaseEvent, "before_delete")
def _refuse_changes(_mapper, _connection, _target):
    raise RuntimeError("case history is append-only")
