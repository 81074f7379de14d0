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
    load = {uid: (open_count, *_known_and_latest(finished, got)) for uid, open_count, finished, got
            in db.session.execute(_review_load(users)).all()}
    return min(users, key=lambda uid: (*load.get(uid, (0, False, None)), uid))


def _known_and_latest(*moments) -> tuple[bool, Any]:
    """(whether the user was ever active, when last): never active sorts first (idle longest)."""
    known = [moment for moment in moments if moment is not None]
    return bool(known), max(known, default=None)


def _review_load(users: list[int]):
    """Per user: open review tasks, and when they last finished one and last got one still open.

    Each answer is one short range of ix_tasks_review_load (assignee, role, completed_at, created_at), however
    many reviews the user did before. When they were last active, max(coalesce(completed_at, created_at)) over
    all their review tasks, equals the later of the two maxima read here: a task is completed or cancelled after
    it was created (so its completed_at counts, not its created_at), and only an open task has no completed_at.
    """
    def theirs(*conditions):
        return Task.assignee_id == User.id, Task.role == Role.REVIEWER, *conditions
    still_open = Task.completed_at.is_(None)
    return select(User.id,
                  select(func.count()).where(*theirs(still_open, Task.status == OPEN)).scalar_subquery(),
                  select(func.max(Task.completed_at)).where(*theirs()).scalar_subquery(),
                  select(func.max(Task.created_at)).where(*theirs(still_open)).scalar_subquery()
                  ).where(User.id.in_(users))


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
