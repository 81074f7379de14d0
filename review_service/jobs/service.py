"""Schedule, claim and run due jobs, exactly once per job, from any number of worker processes.

Claiming: PostgreSQL `FOR UPDATE SKIP LOCKED` plus a lease; SQLite a compare-and-set per row.
Running: one unit of work locks the job row, checks the lease is still ours, does the work and
deletes the job; a failure is recorded in a second unit of work with a backoff, and after
max_attempts the job becomes an incident that an admin can retry.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from ..db_types import utcnow
from ..errors import NotFound
from ..extensions import db
from ..persistence import insert_rows
from ..unit_of_work import unit_of_work
from .models import INCIDENT, PENDING, DueJob
from .registry import handler_for, preparer_for

LEASE = timedelta(minutes=5)
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))


@dataclass(frozen=True)
class RunResult:
    job_id: int
    outcome: str  # done | failed | incident | lost (lease taken by another worker, or job gone)
    error: str | None = None


def schedule_job(kind: str, due_at: datetime, *, case_id: int | None = None, payload: dict | None = None,
                 dedupe_key: str | None = None) -> DueJob:
    """Add a job in the caller's transaction; with a dedupe_key, an existing pending job is moved instead."""
    if dedupe_key is not None:
        existing = db.session.scalar(select(DueJob).where(DueJob.dedupe_key == dedupe_key))
        if existing is not None:
            existing.due_at = existing.next_attempt_at = due_at
            existing.payload, existing.status, existing.attempts = payload or {}, PENDING, 0
            existing.lock_owner = existing.lock_expires_at = None
            return existing
    job = DueJob(kind=kind, case_id=case_id, payload=payload or {}, due_at=due_at, next_attempt_at=due_at,
                 dedupe_key=dedupe_key)
    db.session.add(job)
    return job


def add_new_jobs(jobs: list[dict]) -> None:
    """INSERT jobs nobody has scheduled yet (their dedupe keys are new) in one statement, at once.

    Each job: kind, due_at, case_id, payload, dedupe_key; no ORM object and no id read back.
    """
    insert_rows(DueJob, [{**job, "next_attempt_at": job["due_at"]} for job in jobs])


def _claimable(now: datetime):
    return (DueJob.status == PENDING, DueJob.next_attempt_at <= now,
            or_(DueJob.lock_owner.is_(None), DueJob.lock_expires_at < now))


def claim_due_jobs(owner: str, *, limit: int = 20, now: datetime | None = None) -> list[int]:
    """Lease up to `limit` due jobs to `owner`, oldest first, in the caller's unit of work."""
    now = now or utcnow()
    query = select(DueJob.id).where(*_claimable(now)).order_by(DueJob.next_attempt_at, DueJob.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        ids = list(db.session.scalars(query.with_for_update(skip_locked=True)))
        if ids:
            db.session.execute(update(DueJob).where(DueJob.id.in_(ids))
                               .values(lock_owner=owner, lock_expires_at=now + LEASE))
        return ids
    claimed = []
    for job_id in db.session.scalars(query).all():
        result = db.session.execute(update(DueJob).where(DueJob.id == job_id, *_claimable(now))
                                    .values(lock_owner=owner, lock_expires_at=now + LEASE))
        if result.rowcount == 1:  # type: ignore[attr-defined]  # an UPDATE's CursorResult
            claimed.append(job_id)
    return claimed


def run_job(job_id: int, owner: str) -> RunResult:
    """Do one claimed job in its own unit of work; a failure is recorded in another one."""
    try:
        prepared = _prepare(job_id)
        with unit_of_work() as work:
            _lock_case_of_job(job_id)
            job = db.session.scalar(select(DueJob).where(DueJob.id == job_id).with_for_update()
                                    .execution_options(populate_existing=True))
            if job is None or job.lock_owner != owner or job.status != PENDING:
                work.discard()
                return RunResult(job_id, "lost")
            job.prepared = prepared
            handler_for(job.kind)(job)
            db.session.delete(job)
        return RunResult(job_id, "done")
    except Exception as exc:  # noqa: BLE001  (any failure of a job is recorded, never lost)
        return _record_failure(job_id, owner, f"{type(exc).__name__}: {exc}")


def _prepare(job_id: int):
    """The job kind's slow preparation (register_job_handler prepare=), in a read-only unit of work of its own
    before the job's: it holds no lock while it runs. None when the kind has none."""
    with unit_of_work(read_only=True) as work:
        work.discard()  # it only reads
        found = db.session.execute(select(DueJob.kind, DueJob.payload).where(DueJob.id == job_id)).first()
        if found is None:
            return None
        prepare = preparer_for(found.kind)
        return prepare(found.payload) if prepare is not None else None


def _lock_case_of_job(job_id: int) -> None:
    """Lock the job's case row before the job row: requests lock the case, then change its jobs.

    Taking them in the other order deadlocks against a request completing a task of the same case
    (seen with two web nodes and two workers on PostgreSQL, bench/multi_node.py).
    """
    from ..cases.models import Case
    case_id = db.session.scalar(select(DueJob.case_id).where(DueJob.id == job_id))
    if case_id is not None:
        db.session.execute(select(Case.id).where(Case.id == case_id).with_for_update())


def _record_failure(job_id: int, owner: str, error: str) -> RunResult:
    """Count the failed attempt (a backoff, or an incident after max_attempts) in a unit of work of its own."""
    with unit_of_work() as work:
        job = db.session.scalar(select(DueJob).where(DueJob.id == job_id).with_for_update()
                                .execution_options(populate_existing=True))  # a request may delete it meanwhile
        if job is None or job.lock_owner != owner:
            work.discard()
            return RunResult(job_id, "lost", error)
        job.attempts += 1
        job.last_error = error[:4000]
        job.lock_owner = job.lock_expires_at = None
        if job.attempts >= job.max_attempts:
            job.status = INCIDENT
        else:
            job.next_attempt_at = utcnow() + BACKOFF[min(job.attempts, len(BACKOFF)) - 1]
    return RunResult(job_id, "incident" if job.status == INCIDENT else "failed", error)


def list_incidents(agency_ids: set[int] | None = None) -> list[DueJob]:
    """Failed jobs; with agency_ids, only those of these agencies' cases and those of no case."""
    query = select(DueJob).where(DueJob.status == INCIDENT).order_by(DueJob.id)
    if agency_ids is not None:
        from ..cases.models import Case
        query = query.outerjoin(Case, Case.id == DueJob.case_id).where(
            or_(DueJob.case_id.is_(None), Case.agency_id.in_(agency_ids)))
    return list(db.session.scalars(query))


def retry_incident(job_id: int, agency_ids: set[int] | None = None) -> DueJob:
    """Make an incident due again now, with a fresh attempt count, in the caller's unit of work."""
    job = next((incident for incident in list_incidents(agency_ids) if incident.id == job_id), None)
    if job is None:
        raise NotFound("没有该故障作业", code="incident_not_found")
    job.status, job.attempts, job.next_attempt_at = PENDING, 0, utcnow()
    return job
