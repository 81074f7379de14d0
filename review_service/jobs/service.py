"""Schedule, claim and run due jobs, exactly once per job, from any number of worker processes.

Claiming (a lease, committed): on PostgreSQL one `UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED
LIMIT n) RETURNING`; on SQLite a compare-and-set per row. Jobs are taken per queue (JobQueue).
Running, one job (run_job): one unit of work locks the job's case, then the job row, checks the lease is
still ours, does the work and deletes the job; a failure is recorded in a second unit of work with a
backoff, and after max_attempts the job becomes an incident that an admin can retry.
Running, a batch (run_batch, kinds registered with a preloader: database work only): one unit of work
locks the batch's cases (ascending ids, one statement), then its job rows, checks the leases, runs every
job and deletes them; if one fails, that unit rolls back and the batch runs again with a savepoint per
job, so the failure is recorded on its own job and the others are done.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, or_, select, update

from ..db_types import utcnow
from ..errors import NotFound
from ..extensions import db
from ..persistence import insert_rows
from ..unit_of_work import unit_of_work
from .models import INCIDENT, PENDING, DueJob, JobQueue
from .registry import handler_for, preloader_for, preparer_for, queue_for

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
    job = DueJob(kind=kind, queue=queue_for(kind), case_id=case_id, payload=payload or {}, due_at=due_at,
                 next_attempt_at=due_at, dedupe_key=dedupe_key)
    db.session.add(job)
    return job


def add_new_jobs(jobs: list[dict]) -> None:
    """INSERT jobs nobody has scheduled yet (their dedupe keys are new) in one statement, at once.

    Each job: kind, due_at, case_id, payload, dedupe_key; no ORM object and no id read back.
    """
    insert_rows(DueJob, [{"queue": queue_for(job["kind"]), **job, "next_attempt_at": job["due_at"]} for job in jobs])


@dataclass(frozen=True)
class Leased:
    """A job leased to this worker: what the worker needs to decide how to run it."""

    id: int
    kind: str
    case_id: int | None


def _claimable(now: datetime, queues: tuple[str, ...] = (JobQueue.DEFAULT, JobQueue.DOCUMENTS)):
    return (DueJob.status == PENDING, DueJob.queue.in_(queues), DueJob.next_attempt_at <= now,
            or_(DueJob.lock_owner.is_(None), DueJob.lock_expires_at < now))


def lease_due_jobs(owner: str, *, limit: int = 20, queues: tuple[str, ...] = (JobQueue.DEFAULT,),
                   now: datetime | None = None) -> list[Leased]:
    """Lease up to `limit` due jobs of these queues to `owner`, oldest first, in the caller's unit of work."""
    now = now or utcnow()
    oldest = (select(DueJob.id).where(*_claimable(now, queues)).order_by(DueJob.next_attempt_at, DueJob.id)
              .limit(limit))
    lease = {"lock_owner": owner, "lock_expires_at": now + LEASE}
    if db.session.get_bind().dialect.name == "postgresql":  # one statement: lock, skip others' rows, lease
        rows = db.session.connection().execute(
            update(_table()).where(_table().c.id.in_(oldest.with_for_update(skip_locked=True).scalar_subquery()))
            .values(**lease).returning(_table().c.id, _table().c.kind, _table().c.case_id)).all()
        return sorted((Leased(*row) for row in rows), key=lambda job: job.id)
    leased = []
    for job_id, kind, case_id in db.session.execute(oldest.with_only_columns(DueJob.id, DueJob.kind, DueJob.case_id)):
        result = db.session.execute(update(DueJob).where(DueJob.id == job_id, *_claimable(now, queues)).values(**lease))
        if result.rowcount == 1:  # type: ignore[attr-defined]  # an UPDATE's CursorResult
            leased.append(Leased(job_id, kind, case_id))
    return leased


def claim_due_jobs(owner: str, *, limit: int = 20, now: datetime | None = None,
                   queues: tuple[str, ...] = (JobQueue.DEFAULT, JobQueue.DOCUMENTS)) -> list[int]:
    """Lease up to `limit` due jobs to `owner` (any queue by default); their ids."""
    return [job.id for job in lease_due_jobs(owner, limit=limit, queues=queues, now=now)]


def _table() -> Table:
    return DueJob.__table__  # type: ignore[return-value]


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


def run_batch(jobs: list[Leased], owner: str) -> list[RunResult]:
    """Do these leased jobs (kinds with a preloader) in one unit of work; see the module's docstring."""
    try:
        return _run_batch(jobs, owner, isolate=False)
    except Exception:  # noqa: BLE001  (that unit rolled back: nothing of the batch happened)
        return _run_batch(jobs, owner, isolate=True)


def _run_batch(jobs: list[Leased], owner: str, *, isolate: bool) -> list[RunResult]:
    """Lock cases then jobs, preload, run each (in a savepoint when isolating), delete the done ones."""
    from ..cases.workflow import lock_cases
    results: dict[int, RunResult] = {}
    with unit_of_work():
        lock_cases(sorted({job.case_id for job in jobs if job.case_id is not None}))
        rows = db.session.scalars(select(DueJob).where(DueJob.id.in_([job.id for job in jobs]))
                                  .order_by(DueJob.id).with_for_update()
                                  .execution_options(populate_existing=True)).all()
        mine = [row for row in rows if row.lock_owner == owner and row.status == PENDING]
        for kind in dict.fromkeys(row.kind for row in mine):
            preload = preloader_for(kind)
            if preload is not None:
                preload([row for row in mine if row.kind == kind])
        for row in sorted(mine, key=lambda job: (job.case_id or 0, job.id)):
            results[row.id] = _run_in_batch(row, isolate)
        for row in mine:
            if results[row.id].outcome == "done":
                db.session.delete(row)
    return [results.get(job.id, RunResult(job.id, "lost")) for job in jobs]


def _run_in_batch(job: DueJob, isolate: bool) -> RunResult:
    """One job of a batch; isolated: in a savepoint, a failure counted on the job (in the batch's unit)."""
    if not isolate:
        handler_for(job.kind)(job)
        return RunResult(job.id, "done")
    try:
        with db.session.begin_nested():
            handler_for(job.kind)(job)
        return RunResult(job.id, "done")
    except Exception as exc:  # noqa: BLE001  (recorded on the job, never lost)
        return _count_failure(job, f"{type(exc).__name__}: {exc}")


def _count_failure(job: DueJob, error: str) -> RunResult:
    """A failed attempt: a backoff, or an incident after max_attempts; the lease is given up."""
    job.attempts += 1
    job.last_error = error[:4000]
    job.lock_owner = job.lock_expires_at = None
    if job.attempts >= job.max_attempts:
        job.status = INCIDENT
    else:
        job.next_attempt_at = utcnow() + BACKOFF[min(job.attempts, len(BACKOFF)) - 1]
    return RunResult(job.id, "incident" if job.status == INCIDENT else "failed", error)


def _record_failure(job_id: int, owner: str, error: str) -> RunResult:
    """Count the failed attempt (a backoff, or an incident after max_attempts) in a unit of work of its own."""
    with unit_of_work() as work:
        job = db.session.scalar(select(DueJob).where(DueJob.id == job_id).with_for_update()
                                .execution_options(populate_existing=True))  # a request may delete it meanwhile
        if job is None or job.lock_owner != owner:
            work.discard()
            return RunResult(job_id, "lost", error)
        return _count_failure(job, error)


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
