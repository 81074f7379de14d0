"""`flask review worker`, `flask review incidents`, `flask review retry-incident`."""
import logging
import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from ..unit_of_work import transactional
from .models import JobQueue
from .service import list_incidents, retry_incident
from .worker import ALL_QUEUES, run_worker, work_once, worker_name

log = logging.getLogger(__name__)


def register(group) -> None:
    group.add_command(worker_command)
    group.add_command(incidents_command)
    group.add_command(retry_incident_command)


@click.command("worker")
@click.option("--batch", type=int, default=None, help="Jobs leased per iteration (default: WORKER_BATCH, 20).")
@click.option("--poll", "poll_seconds", type=float, default=None,
              help="SQLite: seconds to wait when idle, doubled while nothing is due (default: WORKER_POLL_SECONDS, "
                   "5). PostgreSQL: a job that comes due wakes the worker at once (LISTEN/NOTIFY).")
@click.option("--max-wait", "max_wait_seconds", type=click.FloatRange(0, 300), default=None,
              help="Longest idle wait in seconds: the back-off's ceiling on SQLite, the backstop on PostgreSQL "
                   "(default: WORKER_MAX_WAIT_SECONDS, 60). A job due sooner is run on time either way.")
@click.option("--once", is_flag=True, help="Run one iteration and exit (for cron or tests).")
@click.option("--queue", "queues", multiple=True, type=click.Choice([q.value for q in JobQueue]),
              help="Only these queues (repeatable): default = deadline reminders and breaches, mail; documents = "
                   "PDF conversions and archive packages (LibreOffice, seconds each). Default: both, "
                   "time-critical jobs first and at most one documents job at a time.")
@with_appcontext
def worker_command(batch: int, poll_seconds: float, max_wait_seconds: float, once: bool,
                   queues: tuple[str, ...]):
    """Run due jobs (deadline reminders and breaches, documents) until stopped with SIGTERM or Ctrl-C."""
    queues = tuple(queues) or ALL_QUEUES
    batch = batch or current_app.config["WORKER_BATCH"]
    poll_seconds = current_app.config["WORKER_POLL_SECONDS"] if poll_seconds is None else poll_seconds
    if max_wait_seconds is None:
        max_wait_seconds = max(poll_seconds, current_app.config["WORKER_MAX_WAIT_SECONDS"])
    owner = worker_name()
    if once:
        results = work_once(owner, batch=batch, queues=queues)
        click.echo(f"{owner}: {sum(r.outcome == 'done' for r in results)} done, "
                   f"{sum(r.outcome != 'done' for r in results)} not done")
        return
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    log.info("worker %s started (queues %s, batch %s, poll %ss, max wait %ss)", owner, ",".join(queues), batch,
             poll_seconds, max_wait_seconds, extra={"worker": owner, "queues": list(queues), "batch": batch,
                                                    "poll_seconds": poll_seconds, "max_wait_seconds": max_wait_seconds})
    done = run_worker(owner, batch=batch, poll_seconds=poll_seconds, stop=stop, queues=queues,
                      max_wait_seconds=max_wait_seconds)
    log.info("worker %s stopped after %s jobs", owner, done, extra={"worker": owner, "jobs_done": done})


@click.command("incidents")
def incidents_command():
    """List jobs that failed every attempt."""
    for job in list_incidents():
        click.echo(f"{job.id}\t{job.kind}\tcase={job.case_id}\tattempts={job.attempts}\t{job.last_error}")


@click.command("retry-incident")
@click.argument("job_id", type=int)
@transactional
def retry_incident_command(job_id: int):
    """Make a failed job due again now."""
    retry_incident(job_id)
    click.echo(f"job {job_id} is due again")
