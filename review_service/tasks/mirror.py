"""The task mirror: READY human tasks of a case's engine run as rows of the task table, and the case status.

Called by whoever advanced the run (submitting a case, completing a task, migrating a case) while the case
is locked; the caller saves the run and owns the transaction.
"""
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts.roles import Role
from ..audit.models import CaseEvent
from ..audit.service import chain_event, record_event
from ..cases.models import CANCELLED, OPEN, Case, Task
from ..cases.status import CASE_STATUSES
from ..db_types import utcnow
from ..engine import HumanTask, Runtime, WorkflowRun
from ..extensions import db
from ..persistence import built_once, insert_rows, read_without_flush
from ..processes.models import WorkflowInstance
from ..processes.service import LANE_ROLES
from ..workdays.sources import remember_revision, revision_columns
from . import hooks
from .handoffs import announce_new_tasks
from .hooks import assign_review_task, sync_deadlines


@built_once
def _statements() -> SimpleNamespace:
    """Built once on first use (building a select costs more than running it on SQLite)."""
    other = aliased(Task)
    wanted = or_(Task.id == bindparam("task_id"), and_(Task.status == OPEN, Task.engine_task.is_(True)))
    clock, clock_is_open = hooks.open_clocks()  # the case's open clocks come along (a row per task and clock)
    calendar = [column.label(f"calendar_revision_{number}") for number, column in enumerate(revision_columns())]
    return SimpleNamespace(
        lock_case_of_task=_locking(select(Task, Case).where(Task.id == bindparam("task_id"))),
        lock_with_state=_locking(select(Task, Case, WorkflowInstance, clock, *calendar).outerjoin(
            WorkflowInstance, WorkflowInstance.case_id == Task.case_id).outerjoin(
            clock, and_(clock.case_id == Task.case_id, clock_is_open)).where(
            Task.case_id == select(other.case_id).where(other.id == bindparam("task_id")).scalar_subquery(), wanted)),
        task_after_lock=select(Task.status, Task.assignee_id).where(Task.id == bindparam("task_id")),
        tasks_after_lock=select(Task, WorkflowInstance, clock, *calendar).outerjoin(
            WorkflowInstance, WorkflowInstance.case_id == Task.case_id).outerjoin(
            clock, and_(clock.case_id == Task.case_id, clock_is_open))
        .where(Task.case_id == bindparam("case_id"), wanted).execution_options(populate_existing=True),
        open_engine_tasks=select(Task).where(Task.case_id == bindparam("case_id"), Task.status == OPEN,
                                             Task.engine_task.is_(True)),
    )


def _locking(statement):
    return (statement.join(Case, Case.id == Task.case_id).options(joinedload(Case.agency))
            .with_for_update(of=Case).execution_options(populate_existing=True))


@dataclass
class LockedTask:
    """A task and its case, the case locked for the rest of the transaction; with_state, also the case's engine
    state and its open engine tasks (this task among them while open), for load_run and sync_tasks."""
    task: Task
    case: Case
    instance: WorkflowInstance | None = None
    open_engine_tasks: list[Task] | None = None
    open_clocks: list | None = None  # the case's running and paused deadlines


def lock_case_of_task(task_id: str, *, with_state: bool = False) -> LockedTask | None:
    """The task and its case, the case locked as by cases.workflow.lock_case (None: no such task).

    SQLite: one query (the transaction held the write lock before its first read). PostgreSQL: the locking
    SELECT read the task before the lock was granted, so a second one re-reads it after the lock (its status
    and assignee; with_state, the whole row with the engine state and the open engine tasks). The statement
    with_state also reads the calendar revision (workdays.sources.remember_revision): no query of its own later.
    """
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    if with_state and sqlite:
        rows = db.session.execute(_statements().lock_with_state, {"task_id": task_id}).all()
        if rows:
            remember_revision(rows[0][-2:])
        return _with_state(task_id, rows[0][1] if rows else None, [(row[0], row[2], row[3]) for row in rows])
    found = db.session.execute(_statements().lock_case_of_task, {"task_id": task_id}).first()
    if found is None:
        return None
    task, case = found
    if sqlite:
        return LockedTask(task, case)
    if with_state:
        pairs = db.session.execute(_statements().tasks_after_lock, {"task_id": task_id, "case_id": case.id}).all()
        if pairs:
            remember_revision(pairs[0][-2:])
        return _with_state(task_id, case, [(row[0], row[1], row[2]) for row in pairs])
    status, assignee_id = db.session.execute(_statements().task_after_lock, {"task_id": task_id}).one()
    set_committed_value(task, "status", status)
    set_committed_value(task, "assignee_id", assignee_id)
    return LockedTask(task, case)


def _with_state(task_id: str, case: Case | None, rows: list[tuple[Task, WorkflowInstance | None, Any]]
                ) -> LockedTask | None:
    tasks = {task.id: task for task, _instance, _clock in rows}
    if case is None or task_id not in tasks:
        return None
    clocks = {clock.id: clock for _task, _instance, clock in rows if clock is not None}
    return LockedTask(tasks[task_id], case, rows[0][1],
                      [task for task in tasks.values() if task.status == OPEN and task.engine_task],
                      list(clocks.values()))


def sync_tasks(case: Case, runtime: Runtime, run: WorkflowRun, *, eligible_reviewer: int | None = None,
               history: list[CaseEvent] | None = None, locked: LockedTask | None = None) -> list[Task]:
    """Mirror READY human tasks into the task table, cancel vanished ones, and set the case status.

    eligible_reviewer: a user this transaction already found eligible to review the case (the actor of a
    review-lane task); new review tasks keep them as the case's reviewer without asking again.
    history: the caller's unwritten history events (chain_event); the mirror's entries are appended and the
    caller INSERTs them all at once (insert_events). Without it each entry is INSERTed at once.
    locked: what lock_case_of_task(with_state=True) read with the lock: the case's open engine tasks and open
    deadlines (else read here).
    """
    open_rows = locked.open_engine_tasks if locked is not None else None
    ready = {task.id: task for task in run.ready_human_tasks()}
    # one flush at the end; rows completed in this transaction are seen in memory
    if open_rows is None:
        open_rows = read_without_flush(_statements().open_engine_tasks, {"case_id": case.id})
    open_rows = [row for row in open_rows if row.status == OPEN]
    for row in open_rows:
        if row.id not in ready:
            row.status, row.completed_at = CANCELLED, utcnow()
    known = {row.id for row in open_rows}
    created = [_new_task(case, runtime, task, eligible_reviewer) for task_id, task in ready.items()
               if task_id not in known]
    _update_status(case, run, list(ready.values()))
    task_rows = {row.id: row for row in open_rows + created if row.status == OPEN}

    def record_change(change: dict) -> None:
        if history is None:
            record_event(case, actor=None, action=change.pop("action"), data=change)
        else:
            history.append(chain_event(case, actor=None, action=change.pop("action"), data=change))
    sync_deadlines(case, run, list(ready.values()), task_rows, record_change,
                   open_rows=locked.open_clocks if locked is not None else None)
    _insert_tasks(created)  # after the deadlines, so each INSERT already carries its deadline_id
    announce_new_tasks(case, created)  # notices, INSERTed at once
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
    role = LANE_ROLES.get(lane, Role.ADMIN)
    row = Task(id=human.id, case_id=case.id, agency_id=case.agency_id, name=human.name, title=human.title,
               kind=kind, lane=lane, role=role, form_key=props.get("formJsonSchemaFilename", ""),
               round=case.round, status=OPEN, assignee_id=_default_assignee(case, role), created_at=utcnow(),
               completed_at=None, completed_by_id=None, engine_task=True, deadline_id=None)
    if role == Role.REVIEWER:
        assign_review_task(case, row, eligible=eligible_reviewer)
    return row


def _default_assignee(case: Case, role: str) -> int | None:
    if role == Role.HANDLER:
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
