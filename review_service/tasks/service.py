"""Complete, claim and list human tasks. One call is one transaction, owned by the caller."""
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, joinedload

from ..audit.service import record_event
from ..cases.effects import apply_effects, check_preconditions
from ..cases.listeners import task_completed
from ..cases.models import Case
from ..cases.workflow import load_run, lock_case_of_task, refresh_after_lock, save_run, sync_tasks
from ..db_types import utcnow
from ..engine import ScriptFailed, TaskNotReady, UnknownTask
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..processes.vocabulary import normalise_opinion
from ..staffing.eligibility import eligible_tasks_only
from .forms import validate_form
from .models import COMPLETED, OPEN, Task
from .permissions import check_can_work, check_visible


def get_task(task_id: str, *, actor) -> Task:
    task = db.session.get(Task, task_id)
    if task is None:
        raise NotFound("任务不存在", code="task_not_found")
    check_visible(actor, task)
    return task


def list_open_tasks(actor) -> list[Task]:
    """The actor's inbox: open tasks of their agency and roles, assigned to them or to nobody."""
    query = (select(Task).join(Case, Case.id == Task.case_id)
             .where(or_(Task.agency_id == actor.agency_id, Task.assignee_id == actor.id),  # pooled advisors
                    Task.status == OPEN, Task.role.in_(actor.roles),
                    or_(Task.assignee_id == actor.id, Task.assignee_id.is_(None)),
                    or_(Task.role != "reviewer", Case.handler_id != actor.id))
             .options(contains_eager(Task.case), joinedload(Task.assignee), joinedload(Task.deadline))
             .order_by(Task.created_at, Task.id))
    return eligible_tasks_only(actor, list(db.session.scalars(query)))


def claim_task(task_id: str, *, actor) -> Task:
    task, case = lock_open_task(task_id, actor)
    check_can_work(actor, task)
    task.assignee_id = actor.id
    record_event(case, actor=actor, action="task.claimed", task_id=task.id, data={"task": task.name})
    return task


def complete_task(task_id: str, *, actor, data) -> Task:
    """Validate and apply one task completion: lock, check, run the engine, mirror, audit, save.

    Raises NotFound, Forbidden, Conflict (already done / changed meanwhile / guard) or InvalidInput.
    The caller commits; any exception leaves nothing changed once it rolls back.
    """
    if not isinstance(data, dict):
        raise InvalidInput("data 必须是对象", fields={"data": ["必须是对象"]})
    task, case = lock_open_task(task_id, actor)
    check_can_work(actor, task)
    data = normalise_opinion(task, data)
    validate_form(task.form_key, data)
    checked = check_preconditions(case, task.kind)
    run = instance = runtime = None
    if task.engine_task:
        run, instance, runtime = load_run(case)
        _run_engine_task(run, task, data)
    task.status, task.completed_at, task.completed_by_id, task.data = COMPLETED, utcnow(), actor.id, data
    task.assignee_id = task.assignee_id or actor.id
    effects = apply_effects(case, task.kind, actor=actor, data=data, task=task, checked=checked)
    task_completed(case, task, actor=actor, data=data)  # listeners: e.g. documents (审核意见书 and its number)
    record_event(case, actor=actor, action="task.completed", task_id=task.id,
                 data={"task": task.name, "title": task.title, "form": data, **effects})
    if task.engine_task:
        # check_can_work found the actor of a review-lane task eligible; completing it does not change that
        sync_tasks(case, runtime, run, eligible_reviewer=actor.id if task.role == "reviewer" else None)
        save_run(run, instance)
    _resolve_for_response(task)
    db.session.flush()
    return task


def _resolve_for_response(task: Task) -> None:
    """Link the rows the response shows (case, deadline, people) while this transaction still holds them.

    They come from the identity map here; after the commit the session holds its rows only weakly, and a
    lazy load would read them again in a new transaction (on SQLite a BEGIN IMMEDIATE).
    """
    _ = task.case, task.deadline, task.assignee, task.completed_by


def _run_engine_task(run, task: Task, data: dict) -> None:
    try:
        run.complete(task.id, task.name, data)
    except (TaskNotReady, UnknownTask):
        raise Conflict("任务状态已变化，请刷新后重试", code="task_not_ready") from None
    except ScriptFailed as exc:
        raise InvalidInput(str(exc), code="workflow_script_error",
                           fields={"process": [f"{exc.element_id or '-'}: {exc}"]}) from exc


def lock_open_task(task_id: str, actor) -> tuple[Task, Case]:
    """The task, still open, and its case locked for this transaction (keep the case: the identity map is weak)."""
    found = lock_case_of_task(task_id)
    if found is None:
        raise NotFound("任务不存在", code="task_not_found")
    task, case = found
    check_visible(actor, task)
    refresh_after_lock(task, "status", "assignee_id")
    if task.status != OPEN:
        raise Conflict("任务已办理或已取消", code="task_not_open")
    return task, case


def list_completed_tasks(actor, *, limit: int = 100) -> list[Task]:
    """已办: tasks the actor completed, newest first."""
    query = (select(Task).where(Task.completed_by_id == actor.id, Task.status == COMPLETED)
             .options(joinedload(Task.case), joinedload(Task.deadline))
             .order_by(Task.completed_at.desc(), Task.id).limit(limit))
    return list(db.session.scalars(query))
