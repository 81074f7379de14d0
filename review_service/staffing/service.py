"""Reassign, hand back, recuse, and list who may review a case. One call is one transaction, owned by the caller."""
from sqlalchemy import select

from ..accounts.models import User
from ..accounts.roles import Actor, Role
from ..audit.service import record_event
from ..cases.models import OPEN, Case, Task
from ..cases.service import get_case
from ..cases.workflow import lock_case
from ..errors import Conflict, Forbidden, InvalidInput
from ..extensions import db
from ..notifications.service import notify
from ..tasks.service import lock_open_task
from .assignment import assign_by_load, clear_flag
from .eligibility import REASONS, candidates, reasons_for_user
from .models import LEGAL_REVIEWER, AssignmentProblem, Recusal


def _open_review_task(task_id: str, actor: Actor) -> tuple[Task, Case]:
    task, case = lock_open_task(task_id, actor)
    if task.role != Role.REVIEWER:
        raise Conflict("只有法制审核任务可以这样分配", code="not_a_review_task")
    return task, case


def reassign_task(task_id: str, *, actor: Actor, username: str) -> Task:
    """The review unit's head gives a review task to an eligible reviewer or pooled advisor."""
    if not actor.has_role(Role.REVIEW_HEAD):
        raise Forbidden("需要法制审核机构负责人角色", code="review_head_required")
    task, case = _open_review_task(task_id, actor)
    if task.agency_id != actor.agency_id:
        raise Forbidden("只能分配本机关的任务", code="review_head_required")
    target = db.session.scalar(select(User).where(User.username == username))
    if target is None:
        raise InvalidInput("账号不存在", fields={"assignee": ["账号不存在"]})
    reasons = reasons_for_user(target.id, case)
    if reasons:
        raise InvalidInput("该人员不得审核本案", code="reviewer_not_eligible",
                           fields={"assignee": [REASONS[r] for r in reasons]})
    previous = task.assignee
    task.assignee, case.reviewer = target, target
    clear_flag(case)
    record_event(case, actor=actor, action="task.reassigned", task_id=task.id,
                 data={"task": task.name, "from": _person(previous), "to": _person(target)})
    notify([target.id], kind="task.assigned", message=f"案件“{case.title}”的{task.title}已分配给您",
           case_id=case.id, data={"task_id": task.id})
    db.session.flush()
    return task


def hand_back_task(task_id: str, *, actor: Actor, reason: str) -> Task:
    """The assigned reviewer returns a task; it goes to the next eligible reviewer, or is flagged."""
    task, case = _open_review_task(task_id, actor)
    if task.assignee_id != actor.id:
        raise Forbidden("只能交回分配给自己的任务", code="not_assignee")
    record_event(case, actor=actor, action="task.handed_back", task_id=task.id,
                 data={"task": task.name, "reason": reason})
    assign_by_load(case, task, actor=actor, exclude={actor.id}, why="handed_back")
    db.session.flush()
    return task


def declare_recusal(case_id: int, *, actor: Actor, reason: str) -> Recusal:
    """回避: the reviewer may no longer review the case; tasks they held go to someone else."""
    locked = lock_case(_case_for_reviewer(case_id, actor).id)
    assert locked is not None  # the reviewer just saw it
    case = locked
    if db.session.scalar(select(Recusal.id).where(Recusal.case_id == case.id, Recusal.user_id == actor.id)):
        raise Conflict("已声明过回避", code="already_recused")
    recusal = Recusal(case_id=case.id, user_id=actor.id, reason=reason)
    db.session.add(recusal)
    record_event(case, actor=actor, action="reviewer.recused", data={"reason": reason})
    held = db.session.scalars(select(Task).where(Task.case_id == case.id, Task.status == OPEN,
                                                 Task.role == Role.REVIEWER, Task.assignee_id == actor.id)).all()
    for task in held:
        assign_by_load(case, task, actor=actor, exclude={actor.id}, why="recused")
    if case.reviewer_id == actor.id:
        case.reviewer_id = None
    db.session.flush()
    return recusal


def _case_for_reviewer(case_id: int, actor: Actor) -> Case:
    """The case, if the actor is a reviewer who can see it (own agency, or holding one of its tasks)."""
    if not actor.has_role(Role.REVIEWER):
        raise Forbidden("需要法制审核人员角色", code="role_required")
    holds = db.session.scalar(select(Task.case_id).where(Task.case_id == case_id, Task.assignee_id == actor.id)
                              .limit(1))
    if holds is not None:
        return db.session.get_one(Case, case_id)
    return get_case(case_id, actor=actor)


def eligible_reviewers(case_id: int, *, actor: Actor) -> dict:
    """Everyone who could review the case, with the reasons that bar the ineligible, and the open flag."""
    case = get_case(case_id, actor=actor)
    problem = db.session.get(AssignmentProblem, case.id)
    rows = [{"staff_id": c.staff.id, "name": c.staff.name, "kind": c.staff.kind, "agency_code": c.staff.agency.code,
             "username": c.staff.user.username, "eligible": c.eligible,
             "reasons": [{"code": r, "message": REASONS[r]} for r in c.reasons]} for c in candidates(case)]
    return {"case_id": case.id, "current_reviewer": _person(case.reviewer),
            "problem": {"reason": problem.reason, "task_id": problem.task_id, "raised_at": problem.raised_at}
            if problem else None,
            "reviewers": [row for row in rows if row["kind"] == LEGAL_REVIEWER],
            "pooled_advisors": [row for row in rows if row["kind"] != LEGAL_REVIEWER]}


def _person(user) -> dict | None:
    return {"id": user.id, "username": user.username, "full_name": user.full_name} if user else None
