"""The worker loop: lease a batch of time-critical jobs (one unit of work) and run it, then at most one slow
(`documents`) job, sleep when idle. Kinds with a batch preloader run many to a unit of work, others one each."""
import logging
import os
import socket
import threading
import uuid

from ..extensions import db
from ..unit_of_work import unit_of_work
from .models import JobQueue
from .registry import preloader_for
from .service import Leased, RunResult, lease_due_jobs, run_batch, run_job

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
               queues: tuple[str, ...] = ALL_QUEUES) -> int:
    """Loop until `stop` is set; return how many jobs were done. Never holds a transaction while idle."""
    done = 0
    while not stop.is_set():
        try:
            results = work_once(owner, batch=batch, queues=queues)
        except Exception:  # a database hiccup must not end the worker
            log.exception("worker iteration failed")  # its unit of work rolled back
            results = []
        finally:
            db.session.remove()
        done += sum(result.outcome == "done" for result in results)
        if not results:
            stop.wait(poll_seconds)
    return done
