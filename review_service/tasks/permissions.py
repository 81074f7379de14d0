"""Who may see, claim and complete a task."""
from ..accounts.roles import ROLE_TITLES, Actor, Role
from ..cases.models import Task
from ..errors import Forbidden, NotFound
from .hooks import check_reviewer_eligible


def check_visible(actor: Actor, task: Task) -> None:
    if task.agency_id != actor.agency_id and task.assignee_id != actor.id:  # pooled advisors work assigned tasks
        raise NotFound("任务不存在", code="task_not_found")


def check_can_work(actor: Actor, task: Task) -> None:
    """Raise Forbidden unless the actor holds the lane's role, is (or may become) the assignee, and is independent."""
    check_visible(actor, task)
    if not actor.has_role(task.role):
        raise Forbidden(f"该任务需要“{ROLE_TITLES.get(task.role, task.role)}”角色", code="role_required")
    if task.assignee_id is not None and task.assignee_id != actor.id:
        raise Forbidden("该任务已分配给其他人员", code="not_assignee")
    if task.role == Role.REVIEWER:  # four-eyes (handled_case), registration, recusal, qualification
        check_reviewer_eligible(actor, task.case)  # staffing's rules (tasks.hooks)

