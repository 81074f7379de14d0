"""Give review tasks to reviewers: the fewest open reviews first, then the one idle longest.

Called by the task mirror (tasks/mirror.py, through tasks/hooks.py: staffing.init_app registers it) whenever
a task in the review unit's lane appears.
"""
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select

from ..accounts.models import User
from ..accounts.roles import Actor, Role
from ..audit.service import record_event
from ..cases.models import OPEN, Task
from ..extensions import db
from ..notifications.service import notify, supervisors_of, users_with_role
from .eligibility import candidates, is_eligible
from .models import LEGAL_REVIEWER, AssignmentProblem

NO_ELIGIBLE = "assignment.no_eligible_reviewer"


def assign_review_task(case, task: Task, *, eligible: int | None = None) -> None:
    """Hook for a new reviewer-lane task: keep the case's reviewer if still eligible, else choose one.

    Agencies working from a shared queue leave acceptance tasks unassigned until a reviewer claims one.
    eligible: a user the caller's transaction has already found eligible for the case (not asked again).
    """
    if case.reviewer_id is not None and (case.reviewer_id == eligible or is_eligible(case.reviewer_id, case)):
        task.assignee_id = case.reviewer_id  # the same reviewer follows the case through its rounds
        return
    if task.kind == "acceptance" and case.agency.acceptance_from_queue:
        case.reviewer_id = None
        if choose_reviewer(case) is None:
            flag_no_eligible_reviewer(case, task)
        return
    assign_by_load(case, task, actor=None)


def choose_reviewer(case, *, exclude: Iterable[int] = ()) -> int | None:
    """The eligible reviewer of the case's agency with the fewest open review tasks; ties: idle longest.

    Pooled advisors are never chosen automatically; they are offered when nobody here is eligible.
    """
    excluded = set(exclude)
    users = sorted({c.staff.user_id for c in candidates(case)
                    if c.staff.user_id is not None and c.eligible and c.staff.kind == LEGAL_REVIEWER
                    and c.staff.user_id not in excluded})
    if not users:
        return None
    open_counts = dict(db.session.execute(
        select(Task.assignee_id, func.count(Task.id)).where(
            Task.assignee_id.in_(users), Task.role == Role.REVIEWER, Task.status == OPEN)
        .group_by(Task.assignee_id)).all())
    last_active: dict[int, Any] = dict(db.session.execute(
        select(Task.assignee_id, func.max(func.coalesce(Task.completed_at, Task.created_at))).where(
            Task.assignee_id.in_(users), Task.role == Role.REVIEWER)
        .group_by(Task.assignee_id)).all())
    return min(users, key=lambda uid: (open_counts.get(uid, 0), str(last_active.get(uid) or ""), uid))


def assign_by_load(case, task: Task, *, actor: Actor | None, exclude: Iterable[int] = (),
                   why: str = "new_task") -> int | None:
    """Assign the task by load and record it; with nobody eligible, leave it open and raise the flag."""
    user_id = choose_reviewer(case, exclude=exclude)
    assignee = db.session.get(User, user_id) if user_id is not None else None
    task.assignee_id, task.assignee, case.reviewer = user_id, assignee, assignee  # a new task is INSERTed by id
    if assignee is None:
        flag_no_eligible_reviewer(case, task)
        return None
    clear_flag(case)
    record_event(case, actor=actor, action="task.assigned", task_id=task.id,
                 data={"task": task.name, "assignee": {"id": user_id, "full_name": assignee.full_name},
                       "rule": "fewest_open_reviews", "why": why})
    notify([assignee.id], kind="task.assigned", message=f"案件“{case.title}”的{task.title}已分配给您",
           case_id=case.id, data={"task_id": task.id})
    return user_id


def flag_no_eligible_reviewer(case, task: Task) -> None:
    """Flag the case, tell the supervisors and the review unit's head, and name the pooled advisors."""
    advisors = [c.staff for c in candidates(case) if c.eligible and c.pooled]
    reason = "本机关没有符合条件的法制审核人员可以审核本案"
    existing = db.session.get(AssignmentProblem, case.id)
    if existing is not None and existing.task_id == task.id:
        return  # already told
    if existing is None:
        db.session.add(AssignmentProblem(case_id=case.id, task_id=task.id, reason=reason))
    else:
        existing.task_id, existing.reason = task.id, reason
    offered = [{"staff_id": s.id, "name": s.name, "kind": s.kind, "agency_code": s.agency.code} for s in advisors]
    record_event(case, actor=None, action=NO_ELIGIBLE, task_id=task.id, data={"pooled_advisors": offered})
    recipients = supervisors_of(case.agency_id) + users_with_role([case.agency_id], Role.REVIEW_HEAD)
    names = "、".join(s.name for s in advisors) or "无"
    notify(recipients, kind=NO_ELIGIBLE, case_id=case.id, data={"task_id": task.id, "pooled_advisors": offered},
           message=f"案件“{case.title}”没有符合条件的审核人员；可调用的法律顾问/公职律师：{names}")


def clear_flag(case) -> None:
    existing = db.session.get(AssignmentProblem, case.id)
    if existing is not None:
        db.session.delete(existing)
