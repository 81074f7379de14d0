"""The worker loop: lease a small batch (one unit of work), run each job in its own unit, sleep when idle."""
import logging
import os
import socket
import threading
import uuid

from ..extensions import db
from ..unit_of_work import unit_of_work
from .service import RunResult, claim_due_jobs, run_job

log = logging.getLogger(__name__)


def worker_name() -> str:
    """A name unique to this process, recorded as the lease owner."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def work_once(owner: str, *, batch: int = 20) -> list[RunResult]:
    """One iteration: lease due jobs (one short unit of work), then run them one by one."""
    with unit_of_work():
        job_ids = claim_due_jobs(owner, limit=batch)
    results = [run_job(job_id, owner) for job_id in job_ids]
    for result in results:
        if result.outcome in ("failed", "incident"):
            log.warning("job %s %s: %s", result.job_id, result.outcome, result.error)
    return results


def run_worker(owner: str, *, batch: int, poll_seconds: float, stop: threading.Event) -> int:
    """Loop until `stop` is set; return how many jobs were done. Never holds a transaction while idle."""
    done = 0
    while not stop.is_set():
        try:
            results = work_once(owner, batch=batch)
        except Exception:  # a database hiccup must not end the worker
            log.exception("worker iteration failed")  # its unit of work rolled back
            results = []
        finally:
            db.session.remove()
        done += sum(result.outcome == "done" for result in results)
        if not results:
            stop.wait(poll_seconds)
    return done
