"""Read, claim and complete human tasks (the inbox is inbox.py). One call is one transaction, owned by the caller."""
from ..accounts.roles import Actor, Role
from ..audit.service import chain_event, insert_events, record_event
from ..cases.effects import apply_effects, check_preconditions
from ..cases.forms import form_schema, validate_form
from ..cases.listeners import task_completed
from ..cases.models import COMPLETED, OPEN, Case, Task
from ..cases.workflow import load_run, save_run
from ..db_types import utcnow
from ..engine import ScriptFailed, TaskNotReady, UnknownTask
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..persistence import flush_changes
from ..processes.vocabulary import labelled_form_schema, normalise_opinion
from .hooks import working_days_left
from .mirror import LockedTask, lock_case_of_task, sync_tasks
from .permissions import check_can_work, check_visible


def shown(task: Task, *, with_form: bool = False) -> Task:
    """Compute what an answer shows besides the task's columns, before a schema dumps it: the working days
    left while it is open and, with_form, its form's JSON Schema in the agency's words."""
    task.working_days_left = working_days_left(task.deadline) if task.status == OPEN else None
    if with_form:
        task.form_schema = labelled_form_schema(task, form_schema(task.form_key))
    return task


def shown_all(tasks: list[Task]) -> list[Task]:
    return [shown(task) for task in tasks]


def get_task(task_id: str, *, actor: Actor) -> Task:
    task = db.session.get(Task, task_id)
    if task is None:
        raise NotFound("任务不存在", code="task_not_found")
    check_visible(actor, task)
    return task


def claim_task(task_id: str, *, actor: Actor) -> Task:
    task, case = lock_open_task(task_id, actor)
    check_can_work(actor, task)
    task.assignee_id = actor.id
    record_event(case, actor=actor, action="task.claimed", task_id=task.id, data={"task": task.name})
    return task


def complete_task(task_id: str, *, actor: Actor, data) -> Task:
    """Validate and apply one task completion: lock, check, run the engine, mirror, audit, save.

    Raises NotFound, Forbidden, Conflict (already done / changed meanwhile / guard) or InvalidInput.
    The caller commits; any exception leaves nothing changed once it rolls back.
    """
    if not isinstance(data, dict):
        raise InvalidInput("data 必须是对象", fields={"data": ["必须是对象"]})
    locked = _lock_open_task(task_id, actor, with_state=True)
    task, case = locked.task, locked.case
    check_can_work(actor, task)
    data = normalise_opinion(task, data)
    validate_form(task.form_key, data)
    checked = check_preconditions(case, task.kind)
    run = instance = runtime = None
    if task.engine_task:
        run, instance, runtime = load_run(case, locked.instance)
        _run_engine_task(run, task, data)
    task.status, task.completed_at, task.completed_by_id, task.data = COMPLETED, utcnow(), actor.id, data
    task.assignee_id = task.assignee_id or actor.id
    effects = apply_effects(case, task.kind, actor=actor, data=data, task=task, checked=checked)
    task_completed(case, task, actor=actor, data=data)  # listeners: e.g. documents (审核意见书 and its number)
    history = [chain_event(case, actor=actor, action="task.completed", task_id=task.id,
                           data={"task": task.name, "title": task.title, "form": data, **effects})]
    if run is not None and instance is not None and runtime is not None:  # an engine task: loaded above
        # check_can_work found the actor of a review-lane task eligible; completing it does not change that
        sync_tasks(case, runtime, run, eligible_reviewer=actor.id if task.role == Role.REVIEWER else None,
                   history=history, locked=locked)
        save_run(run, instance)
    insert_events(history)  # the completion and the clocks' entries, in chain order, one INSERT
    _resolve_for_response(task)
    flush_changes()  # the changed case, task and clocks: Core UPDATEs, one statement on PostgreSQL
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


def lock_open_task(task_id: str, actor: Actor) -> tuple[Task, Case]:
    """The task, still open, and its case locked for this transaction (keep the case: the identity map is weak)."""
    locked = _lock_open_task(task_id, actor)
    return locked.task, locked.case


def _lock_open_task(task_id: str, actor: Actor, *, with_state: bool = False) -> LockedTask:
    """lock_open_task; with_state, also the case's engine state and open engine tasks, read with the lock."""
    locked = lock_case_of_task(task_id, with_state=with_state)
    if locked is None:
        raise NotFound("任务不存在", code="task_not_found")
    check_visible(actor, locked.task)
    if locked.task.status != OPEN:
        raise Conflict("任务已办理或已取消", code="task_not_open")
    return locked
