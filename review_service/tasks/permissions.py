"""Who may see, claim and complete a task."""
from sqlalchemy import select

from ..accounts.models import ROLE_TITLES
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..staffing import eligibility
from .models import COMPLETED, Task


def worked_on_handling_side(user_id: int, case) -> bool:
    """Four-eyes: the case's handler, or anyone who completed a handling-unit task of it."""
    if case.handler_id == user_id:
        return True
    return db.session.scalar(select(Task.id).where(
        Task.case_id == case.id, Task.role == "handler", Task.status == COMPLETED,
        Task.completed_by_id == user_id).limit(1)) is not None


def check_visible(actor, task: Task) -> None:
    if task.agency_id != actor.agency_id and task.assignee_id != actor.id:  # pooled advisors work assigned tasks
        raise NotFound("任务不存在", code="task_not_found")


def check_can_work(actor, task: Task) -> None:
    """Raise Forbidden unless the actor holds the lane's role, is (or may become) the assignee, and is independent."""
    check_visible(actor, task)
    if not actor.has_role(task.role):
        raise Forbidden(f"该任务需要“{ROLE_TITLES.get(task.role, task.role)}”角色", code="role_required")
    if task.assignee_id is not None and task.assignee_id != actor.id:
        raise Forbidden("该任务已分配给其他人员", code="not_assignee")
    if task.role == "reviewer":  # four-eyes (handled_case), registration, recusal, qualification
        eligibility.check_reviewer_eligible(actor, task.case)

