"""The worker loop: lease a batch of time-critical jobs (one unit of work) and run it, then at most one slow
(`documents`) job; when idle, sleep until a job comes due (jobs.wakeups). Kinds with a batch preloader run many
to a unit of work, others one each."""
import logging
import os
import socket
import threading
import uuid

from ..db_types import utcnow
from ..extensions import db
from ..unit_of_work import unit_of_work
from .models import JobQueue
from .registry import preloader_for
from .service import Leased, RunResult, lease_due_jobs, run_batch, run_job
from .wakeups import NOTIFY_HORIZON_SECONDS, DueJobListener, IdleWait, listen_for_due_jobs, next_claimable_at

log = logging.getLogger(__name__)
ALL_QUEUES = (JobQueue.DEFAULT, JobQueue.DOCUMENTS)


def worker_name() -> str:
    """A name unique to this process, recorded as the lease owner."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def work_once(owner: str, *, batch: int = 20, queues: tuple[str, ...] = ALL_QUEUES) -> list[RunResult]:
    """One iteration: the due time-critical jobs first (up to `batch`); then, when they did not fill the
    batch, one slow job. A slow job (seconds of LibreOffice) never holds up a batch of timers."""
    results: list[RunResult] = []
    if JobQueue.DEFAULT in queues:
        with unit_of_work():
            leased = lease_due_jobs(owner, limit=batch, queues=(JobQueue.DEFAULT,))
        results += _run(leased, owner)
        if len(leased) >= batch:
            return _logged(results)
    if JobQueue.DOCUMENTS in queues:
        with unit_of_work():
            leased = lease_due_jobs(owner, limit=1, queues=(JobQueue.DOCUMENTS,))
        results += _run(leased, owner)
    return _logged(results)


def _run(leased: list[Leased], owner: str) -> list[RunResult]:
    """Batchable kinds in one batch, the others one by one (in lease order)."""
    batchable = [job for job in leased if preloader_for(job.kind) is not None]
    results = run_batch(batchable, owner) if batchable else []
    return results + [run_job(job.id, owner) for job in leased if preloader_for(job.kind) is None]


def _logged(results: list[RunResult]) -> list[RunResult]:
    for result in results:
        if result.outcome in ("failed", "incident"):
            log.warning("job %s %s: %s", result.job_id, result.outcome, result.error)
    return results


def run_worker(owner: str, *, batch: int, poll_seconds: float, stop: threading.Event,
               queues: tuple[str, ...] = ALL_QUEUES, max_wait_seconds: float | None = None) -> int:
    """Loop until `stop` is set; return how many jobs were done. Never holds a transaction while idle.

    Idle, it sleeps until the next job of its queues comes due (jobs.wakeups): on PostgreSQL woken by the
    NOTIFY of a job that came due, at the latest after `max_wait_seconds`; on SQLite it polls, first after
    `poll_seconds`, then backing off to `max_wait_seconds` (default: `poll_seconds`, no back-off)."""
    longest = min(poll_seconds if max_wait_seconds is None else max_wait_seconds, NOTIFY_HORIZON_SECONDS)
    idle, listener, done = IdleWait(poll_seconds, longest), listen_for_due_jobs(queues), 0
    try:
        while not stop.is_set():
            results, until_due = _iterate(owner, batch, queues)
            done += sum(result.outcome == "done" for result in results)
            if results:
                idle.reset()
                continue
            if listener is None and db.engine.dialect.name == "postgresql":
                listener = listen_for_due_jobs(queues)  # its connection broke or was refused before: try again
            wait = idle.seconds(until_due, notified=listener is not None)
            listener = _wait(listener, wait, stop)
    finally:
        if listener is not None:
            listener.close()
    return done


def _iterate(owner: str, batch: int, queues: tuple[str, ...]) -> tuple[list[RunResult], float | None]:
    """One iteration of work; when it found nothing, the seconds until a job can next be leased."""
    try:
        results = work_once(owner, batch=batch, queues=queues)
        if results:
            return results, None
        with unit_of_work(read_only=True) as work:
            now = utcnow()
            due = next_claimable_at(queues, now)
            work.discard()
        return [], None if due is None else (due - now).total_seconds()
    except Exception:  # a database hiccup must not end the worker
        log.exception("worker iteration failed")  # its unit of work rolled back
        return [], None
    finally:
        db.session.remove()


def _wait(listener: DueJobListener | None, seconds: float, stop: threading.Event) -> DueJobListener | None:
    """Sleep on the listener (or plainly, polling); the listener, or None once its connection broke."""
    if listener is None:
        stop.wait(seconds)
        return None
    try:
        listener.wait(seconds, stop)
        return listener
    except Exception:
        log.warning("lost the connection listening for due jobs; polling meanwhile", exc_info=True)
        listener.close()
        return None
