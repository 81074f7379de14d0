"""Keep a case, its engine state and its task mirror in step (the case holds the lock)."""
from types import SimpleNamespace

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from ..audit.service import record_event
from ..db_types import utcnow
from ..deadlines.service import sync_deadlines
from ..engine import HumanTask, Runtime, WorkflowRun
from ..errors import Conflict
from ..extensions import db
from ..persistence import built_once, compare_and_set, insert_rows, read_without_flush
from ..processes.models import ProcessVersion, WorkflowInstance
from ..processes.service import LANE_ROLES, profile_of, runtime_for
from ..staffing.assignment import assign_review_task
from ..tasks.models import CANCELLED, OPEN, Task
from .models import Case
from .status import CASE_STATUSES


def lock_case(case_id: int) -> Case | None:
    """Load the case holding its row lock for the rest of the transaction.

    PostgreSQL: SELECT ... FOR UPDATE OF cases. SQLite: every transaction already began with BEGIN IMMEDIATE.
    The agency comes in the same query (eligibility, notifications and deadlines read it); it is not locked.
    """
    return db.session.scalar(_statements().lock_case, {"case_id": case_id})


def lock_case_of_task(task_id: str) -> tuple[Task, Case] | None:
    """The task and its case, the case locked as by lock_case, in one query (None: no such task).

    On PostgreSQL the task's columns come from before the lock: re-read what you check (refresh_after_lock).
    """
    return db.session.execute(_statements().lock_case_of_task, {"task_id": task_id}).first()


@built_once
def _statements() -> SimpleNamespace:
    """Statements of every task completion, built once on first use (building a select costs more than
    running it on SQLite)."""
    instances = WorkflowInstance.__table__
    return SimpleNamespace(
        lock_case=select(Case).where(Case.id == bindparam("case_id")).options(joinedload(Case.agency))
        .with_for_update(of=Case).execution_options(populate_existing=True),
        lock_case_of_task=select(Task, Case).join(Case, Case.id == Task.case_id)
        .where(Task.id == bindparam("task_id")).options(joinedload(Case.agency))
        .with_for_update(of=Case).execution_options(populate_existing=True),
        instance=select(WorkflowInstance).where(WorkflowInstance.case_id == bindparam("case_id"))
        .execution_options(populate_existing=True),
        save_state=update(instances).where(instances.c.case_id == bindparam("which_case"),
                                           instances.c.revision == bindparam("loaded_revision")),  # SET: params
        open_engine_tasks=select(Task).where(Task.case_id == bindparam("case_id"), Task.status == OPEN,
                                             Task.engine_task.is_(True)),
    )


def refresh_after_lock(row, *attribute_names: str) -> None:
    """Re-read columns another transaction may have changed before we got the lock.

    Not needed on SQLite, where the transaction held the write lock before its first read.
    """
    if db.session.get_bind().dialect.name != "sqlite":
        db.session.refresh(row, attribute_names=list(attribute_names))


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


def load_run(case: Case) -> tuple[WorkflowRun, WorkflowInstance, Runtime]:
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


def sync_tasks(case: Case, runtime: Runtime, run: WorkflowRun, *,
               eligible_reviewer: int | None = None) -> list[Task]:
    """Mirror READY human tasks into the task table, cancel vanished ones, and set the case status.

    eligible_reviewer: a user this transaction already found eligible to review the case (the actor of a
    review-lane task); new review tasks keep them as the case's reviewer without asking again.
    """
    ready = {task.id: task for task in run.ready_human_tasks()}
    # one flush at the end; rows completed in this transaction are seen in memory
    open_rows = [row for row in read_without_flush(_statements().open_engine_tasks, {"case_id": case.id})
                 if row.status == OPEN]
    for row in open_rows:
        if row.id not in ready:
            row.status, row.completed_at = CANCELLED, utcnow()
    known = {row.id for row in open_rows}
    created = [_new_task(case, runtime, task, eligible_reviewer) for task_id, task in ready.items()
               if task_id not in known]
    _update_status(case, run, list(ready.values()))
    task_rows = {row.id: row for row in open_rows + created if row.status == OPEN}

    def record_change(change: dict) -> None:
        record_event(case, actor=None, action=change.pop("action"), data=change)
    sync_deadlines(case, run, list(ready.values()), task_rows, record_change)
    _insert_tasks(created)  # after the deadlines, so each INSERT already carries its deadline_id
    return created


def _insert_tasks(rows: list[Task]) -> None:
    """INSERT new task rows at once, in one Core statement, from their column values.

    The rows stay out of the session (transient): nothing in the request uses them afterwards, and a
    query reads them back from the table like any other row.
    """
    insert_rows(Task, [{column: getattr(row, column) for column in _NEW_TASK_COLUMNS} for row in rows])


_NEW_TASK_COLUMNS = tuple(column.key for column in Task.__table__.columns if column.key != "data")  # data: NULL


def _new_task(case: Case, runtime: Runtime, human: HumanTask, eligible_reviewer: int | None) -> Task:
    """The task row of a newly READY human task, assigned, every column set; the caller INSERTs it."""
    props = human.properties
    kind = props.get("taskKind", "generic")
    if kind == "review_opinion" and case.opinion_round == case.round:
        case.round += 1  # a new review after an opinion opens the next round
    lane = runtime.lane_id(human.lane)
    role = LANE_ROLES.get(lane, "admin")
    row = Task(id=human.id, case_id=case.id, agency_id=case.agency_id, name=human.name, title=human.title,
               kind=kind, lane=lane, role=role, form_key=props.get("formJsonSchemaFilename", ""),
               round=case.round, status=OPEN, assignee_id=_default_assignee(case, role), created_at=utcnow(),
               completed_at=None, completed_by_id=None, engine_task=True, deadline_id=None)
    if role == "reviewer":
        assign_review_task(case, row, eligible=eligible_reviewer)
    return row


def _default_assignee(case: Case, role: str) -> int | None:
    if role == "handler":
        return case.handler_id
    return None  # any head of the agency may take it


def _update_status(case: Case, run: WorkflowRun, ready: list[HumanTask]) -> None:
    """The case status is the caseStatus property of the end event reached, else of the first ready task."""
    if run.is_completed:
        declared = run.end_properties().get("caseStatus")
        case.closed_at = case.closed_at or utcnow()
    else:
        declared = next((t.properties["caseStatus"] for t in ready if t.properties.get("caseStatus")), None)
    if declared in CASE_STATUSES:
        case.status = declared
