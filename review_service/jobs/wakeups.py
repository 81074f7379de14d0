"""How an idle worker waits: until the next job of its queues comes due, woken early on PostgreSQL.

PostgreSQL: a trigger on due_jobs (migration f4510d7e6916) NOTIFYs `review_jobs_<queue>` in the transaction
that makes a job due within five minutes; the worker LISTENs on a connection of its own and sleeps on it
until a notification, the next due job's time, or `longest` (the backstop, at most five minutes: jobs due
later than that are not notified, so the worker must look again before they come due).
SQLite (no NOTIFY): the worker polls, `shortest` seconds after going idle, then twice as long each time
nothing was due, up to `longest` (exponential idle back-off); never past the next due job's time.
"""
import logging
import threading
import time
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from ..extensions import db
from .models import PENDING, DueJob

log = logging.getLogger(__name__)
NOTIFY_HORIZON_SECONDS = 300.0  # the trigger notifies jobs due within five minutes
STOP_CHECK_SECONDS = 1.0  # a stopped worker (SIGTERM) leaves its wait within a second
SHORTEST_WAIT_SECONDS = 0.05  # a due job another transaction holds (its row locked): look again soon, not at once


def channel(queue: str) -> str:
    """The NOTIFY channel of a queue (the trigger's 'review_jobs_' || queue)."""
    return f"review_jobs_{queue}"


def next_claimable_at(queues: tuple[str, ...], now: datetime) -> datetime | None:
    """When a job of these queues can next be leased: the earliest next attempt of an unleased (or
    expired) job, or the earliest lease of another worker to expire; None when no job is pending.
    One statement, each part an index range (ix_due_jobs_claimable per queue, the lease expiry index)."""
    unleased = [select(func.min(DueJob.next_attempt_at)).where(
        DueJob.status == PENDING, DueJob.queue == queue,
        or_(DueJob.lock_owner.is_(None), DueJob.lock_expires_at < now)).scalar_subquery() for queue in queues]
    lease_ends = select(func.min(DueJob.lock_expires_at)).where(
        DueJob.status == PENDING, DueJob.queue.in_(queues), DueJob.lock_expires_at >= now).scalar_subquery()
    times = db.session.execute(select(*unleased, lease_ends)).one()
    found = [moment for moment in times if moment is not None]
    return min(found) if found else None


class IdleWait:
    """The length of the next idle wait: `shortest`, doubled each idle iteration up to `longest` when
    polling, `longest` when notified; never past the next due job."""

    def __init__(self, shortest: float, longest: float):
        self.shortest, self.longest = shortest, max(shortest, longest)
        self.backoff = shortest

    def reset(self) -> None:
        """Work was found: the next idle wait starts short again."""
        self.backoff = self.shortest

    def seconds(self, until_due: float | None, *, notified: bool) -> float:
        """How long to wait now (`until_due`: seconds until the next job can be leased, None: no job)."""
        wait = self.longest if notified else self.backoff
        if not notified:
            self.backoff = min(self.backoff * 2, self.longest)
        return max(SHORTEST_WAIT_SECONDS, wait if until_due is None else min(wait, until_due))


class DueJobListener:
    """A PostgreSQL connection of the worker's own, LISTENing on its queues' channels (autocommit, outside
    the pool), on which an idle worker sleeps."""

    def __init__(self, queues: tuple[str, ...]):
        self._raw = db.engine.raw_connection()
        connection: Any = self._raw.driver_connection  # a psycopg Connection (no import: SQLite needs none)
        self._raw.detach()  # closed for good by close(), never handed back to the pool with LISTEN on
        connection.rollback()
        connection.autocommit = True
        for queue in queues:
            connection.execute(f"LISTEN {channel(queue)}")
        self.connection = connection

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        """Sleep up to `seconds`; True as soon as a job of the queues came due (a notification), False when
        the time is up or `stop` is set. Notifications that arrived meanwhile end the wait at once."""
        deadline = time.monotonic() + seconds
        while not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if any(True for _note in self.connection.notifies(timeout=min(remaining, STOP_CHECK_SECONDS),
                                                              stop_after=1)):
                self._drain()
                return True
        return False

    def _drain(self) -> None:
        """Take the other notifications already received: one look at the table answers them all."""
        for _note in self.connection.notifies(timeout=0):
            pass

    def close(self) -> None:
        try:
            self._raw.close()
        except Exception:
            log.debug("closing the listening connection failed", exc_info=True)


def listen_for_due_jobs(queues: tuple[str, ...]) -> DueJobListener | None:
    """A listener on PostgreSQL; None on SQLite, or when it cannot connect now (the worker then polls)."""
    if db.engine.dialect.name != "postgresql":
        return None
    try:
        return DueJobListener(queues)
    except Exception:
        log.warning("cannot LISTEN for due jobs; polling meanwhile", exc_info=True)
        return None
