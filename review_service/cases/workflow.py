"""A case's lock and its engine state: lock, start, load and save the run (the task mirror is tasks/mirror.py)."""
from collections.abc import Callable
from types import SimpleNamespace
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import joinedload

from ..db_types import utcnow
from ..engine import Runtime, WorkflowRun
from ..errors import Conflict
from ..extensions import db
from ..persistence import built_once, compare_and_set
from ..processes.models import ProcessVersion, WorkflowInstance
from ..processes.service import profile_of, runtime_for
from .models import Case


def lock_case(case_id: int) -> Case | None:
    """Load the case holding its row lock for the rest of the transaction.

    PostgreSQL: SELECT ... FOR UPDATE OF cases. SQLite: every transaction already began with BEGIN IMMEDIATE.
    The agency comes in the same query (eligibility, notifications and deadlines read it); it is not locked.
    A case lock_cases() took in this transaction comes from the session, without another statement.
    """
    locked = _locked_in_this_transaction().get(case_id)
    if locked is not None:
        return locked
    return db.session.scalar(_statements().lock_case, {"case_id": case_id})


_LOCKED_CASES = "locked_cases"  # db.session.info: (the transaction, {id: case} lock_cases locked in it)


def lock_cases(case_ids: list[int]) -> None:
    """Lock these cases for the rest of the transaction in one statement, in ascending id order (two
    workers locking overlapping batches cannot deadlock); lock_case(id) of one of them then costs nothing."""
    if not case_ids:
        return
    cases = db.session.scalars(select(Case).where(Case.id.in_(case_ids)).options(joinedload(Case.agency))
                               .order_by(Case.id).with_for_update(of=Case)
                               .execution_options(populate_existing=True)).all()
    # held here, not only in the session's weak identity map: lock_case must not read them again
    db.session.info[_LOCKED_CASES] = (db.session().get_transaction(), {case.id: case for case in cases})


def _locked_in_this_transaction() -> dict[int, Case]:
    found = db.session.info.get(_LOCKED_CASES)
    if found is None or found[0] is not db.session().get_transaction():
        return {}
    return found[1]


@built_once
def _statements() -> SimpleNamespace:
    """Statements of every task completion, built once on first use (building a select costs more than
    running it on SQLite)."""
    instances = cast(Table, WorkflowInstance.__table__)
    return SimpleNamespace(
        lock_case=select(Case).where(Case.id == bindparam("case_id")).options(joinedload(Case.agency))
        .with_for_update(of=Case).execution_options(populate_existing=True),
        instance=select(WorkflowInstance).where(WorkflowInstance.case_id == bindparam("case_id"))
        .execution_options(populate_existing=True),
        save_state=update(instances).where(instances.c.case_id == bindparam("which_case"),
                                           instances.c.revision == bindparam("loaded_revision")),  # SET: params
    )


def workflow_data(case: Case, profile: dict | None = None) -> dict:
    """The case facts and the agency profile BPMN conditions and scripts may read (plain JSON types only)."""
    return {
        "review_required": case.review_required,
        "agency_profile": dict(profile or {}),
        "case": {
            "agency_code": case.agency.code, "decision_type": case.decision_type, "party_type": case.party_type,
            "fine_amount": float(case.fine_amount), "confiscation_amount": float(case.confiscation_amount),
            "sanctions": list(case.sanctions), "hearing_held": case.hearing_held,
            "filed_on": case.filed_on.isoformat() if case.filed_on else None,
            "complexity": dict(case.complexity),
        },
    }


def start_run(case: Case, version: ProcessVersion) -> tuple[WorkflowRun, Runtime]:
    runtime = runtime_for(version.id, version.content_hash)
    run = WorkflowRun.start(runtime, workflow_data(case, profile_of(version)))
    db.session.add(WorkflowInstance(case_id=case.id, process_version_id=version.id,
                                    process_hash=version.content_hash, state=run.dump()))
    return run, runtime


_TASK_MIRROR: list[Callable[[Case, Runtime, WorkflowRun], object]] = []


def register_task_mirror(mirror: Callable[[Case, Runtime, WorkflowRun], object]) -> None:
    """tasks' init_app: how the READY human tasks of a run become task rows (tasks.mirror.sync_tasks)."""
    _TASK_MIRROR[:] = [mirror]


def mirror_tasks(case: Case, runtime: Runtime, run: WorkflowRun) -> None:
    """Mirror a newly started run's first tasks (and the case status) through the registered mirror."""
    if not _TASK_MIRROR:
        raise RuntimeError("cases.workflow: no task mirror registered (tasks.init_app not called)")
    _TASK_MIRROR[0](case, runtime, run)


def load_run(case: Case, instance: WorkflowInstance | None = None) -> tuple[WorkflowRun, WorkflowInstance, Runtime]:
    """The case's run; `instance`: its state row if the caller already read it after taking the case lock."""
    if instance is None:
        instance = db.session.scalar(_statements().instance, {"case_id": case.id})
    runtime = runtime_for(instance.process_version_id, instance.process_hash)
    return WorkflowRun.load(runtime, instance.state), instance, runtime


def save_run(run: WorkflowRun, instance: WorkflowInstance) -> None:
    """Write the state only if nobody saved since we loaded it (compare-and-set on revision).

    A Core UPDATE on the transaction's connection: no ORM bulk-update step and no autoflush; the
    caller's flush (or commit) writes the transaction's other rows.
    """
    saved = compare_and_set(_statements().save_state, {
        "which_case": instance.case_id, "loaded_revision": instance.revision, "state": run.dump(),
        "revision": instance.revision + 1, "updated_at": utcnow()})
    if not saved:
        raise Conflict("案件已被他人同时修改，请刷新后重试", code="concurrent_update")
