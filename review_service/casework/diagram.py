"""The case's diagram with what it marks on each step: done, current, overdue, and who worked it and when.

Read from the task rows (with the clock each open task runs on), never from workflow state, so a case on
an earlier process version is described the same way as one on the current version.
"""
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.roles import Actor
from ..cases.models import COMPLETED, OPEN, Case, Task
from ..cases.service import case_diagram, get_case
from ..china_time import today_in_china
from ..deadlines.models import RUNNING
from ..extensions import db


class StepState(StrEnum):
    """How the diagram marks a step: the worst of its visits (an open overdue visit wins)."""

    DONE = "done"
    CURRENT = "current"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"


def case_diagram_with_steps(case_id: int, *, actor: Actor) -> dict:
    """cases.service.case_diagram (the version's BPMN, the open tasks' element ids) and the case's steps."""
    return {**case_diagram(case_id, actor=actor), "steps": diagram_steps(get_case(case_id, actor=actor))}


def diagram_steps(case: Case) -> list[dict]:
    """One entry per BPMN element the case has had a task on: its state and every visit, oldest first."""
    tasks = db.session.scalars(select(Task).where(Task.case_id == case.id, Task.engine_task.is_(True))
                               .options(joinedload(Task.completed_by), joinedload(Task.assignee),
                                        joinedload(Task.deadline))
                               .order_by(Task.created_at, Task.id))
    today = today_in_china()
    steps: dict[str, dict] = {}
    for task in tasks:
        visit = _visit(task, today)
        step = steps.setdefault(task.name, {"element_id": task.name, "title": task.title, "visits": []})
        step["visits"].append(visit)
    for step in steps.values():
        step["state"] = _state(step["visits"])
    return list(steps.values())


def _visit(task: Task, today: date) -> dict:
    deadline = task.deadline
    due_on = deadline.due_on if deadline is not None else None
    overdue = task.status == OPEN and deadline is not None and deadline.status == RUNNING and (
        deadline.overdue or (due_on is not None and due_on < today))
    return {"task_id": task.id, "title": task.title, "round": task.round, "status": task.status, "role": task.role,
            "opened_at": task.created_at, "completed_at": task.completed_at,
            "completed_by": task.completed_by.full_name if task.completed_by else None,
            "assignee": task.assignee.full_name if task.assignee else None,
            "due_on": due_on, "overdue": overdue}


def _state(visits: list[dict]) -> StepState:
    if any(visit["overdue"] for visit in visits):
        return StepState.OVERDUE
    if any(visit["status"] == OPEN for visit in visits):
        return StepState.CURRENT
    if any(visit["status"] == COMPLETED for visit in visits):
        return StepState.DONE
    return StepState.CANCELLED
