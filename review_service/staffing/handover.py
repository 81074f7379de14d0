"""Task work between colleagues: give a claimed task back to the queue (unclaim) and hand a task over to
another colleague who may work it, with a reason. One call is one transaction, owned by the caller.

The colleague must hold the task's role in the task's agency and be active; for a review task the
independence rules (four-eyes, 回避, registration, qualification) are asked of eligibility.reasons_for_user,
the one predicate every review assignment uses.
"""
from sqlalchemy import select

from ..accounts.models import User
from ..accounts.roles import Role
from ..audit.service import record_event
from ..cases.models import Task
from ..errors import Conflict, Forbidden, InvalidInput
from ..extensions import db
from ..notifications.service import notify
from ..tasks.service import lock_open_task
from .assignment import clear_flag
from .eligibility import REASONS, reasons_for_user


def unclaim_task(task_id: str, *, actor) -> Task:
    """The holder puts a task back into its role's shared queue (a handler's own step cannot be unclaimed)."""
    task, case = lock_open_task(task_id, actor)
    if task.assignee_id != actor.id:
        raise Forbidden("只能放回自己领取的任务", code="not_assignee")
    if task.role == Role.HANDLER:
        raise Conflict("承办机构的任务属于本案承办人，请改用转交", code="handler_task_not_queued")
    task.assignee_id, task.assignee = None, None
    if task.role == Role.REVIEWER and case.reviewer_id == actor.id:
        case.reviewer_id = None
    record_event(case, actor=actor, action="task.unclaimed", task_id=task.id, data={"task": task.name})
    db.session.flush()
    return task


def hand_over_task(task_id: str, *, actor, username: str, reason: str) -> Task:
    """The holder (or, for a queued task, anyone who may work it) gives the task to an eligible colleague."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写转交理由", fields={"reason": ["必填"]})
    task, case = lock_open_task(task_id, actor)
    if task.assignee_id not in (None, actor.id) or not actor.has_role(task.role):
        raise Forbidden("只能转交自己办理的任务", code="not_assignee")
    target = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    _check_colleague(task, case, target, actor)
    assert target is not None  # _check_colleague refused an unknown username
    previous = task.assignee
    task.assignee = target
    task.assignee_id = target.id
    if task.role == Role.REVIEWER:
        case.reviewer = target
        clear_flag(case)
    # a handler's step moves alone: the case keeps its handler (case.handler_id), who stays barred from
    # reviewing it (four-eyes) and gets the case's later handling steps
    record_event(case, actor=actor, action="task.handed_over", task_id=task.id,
                 data={"task": task.name, "from": _person(previous or actor), "to": _person(target), "reason": reason})
    notify([target.id], kind="task.handed_over", case_id=case.id, data={"task_id": task.id, "reason": reason},
           message=f"{actor.full_name}将案件“{case.title}”的{task.title}转交给您：{reason}")
    db.session.flush()
    return task


def _check_colleague(task: Task, case, target: User | None, actor) -> None:
    if target is None or not target.is_active:
        raise InvalidInput("账号不存在或已停用", fields={"assignee": ["账号不存在或已停用"]})
    if target.id == actor.id:
        raise InvalidInput("不能转交给自己", fields={"assignee": ["不能转交给自己"]})
    if task.role == Role.REVIEWER:
        reasons = reasons_for_user(target.id, case)
        if reasons:
            raise InvalidInput("该人员不得审核本案", code="reviewer_not_eligible",
                               fields={"assignee": [REASONS[r] for r in reasons]})
        return
    if target.agency_id != task.agency_id or not target.has_role(task.role):
        raise InvalidInput("该人员不能办理此任务", code="assignee_not_eligible",
                           fields={"assignee": ["须为本机关具有相应角色的人员"]})


def _person(user) -> dict:
    return {"id": user.id, "full_name": user.full_name}
