"""The worker's deadline jobs: the reminder before the due date and the overdue flag at breach.

Each runs in the job's transaction with the case locked; a job whose deadline moved, closed or was
already handled does nothing (the newer job, scheduled under the same dedupe key, does the work).
"""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from ..accounts.roles import Role
from ..audit.service import record_event
from ..cases.models import Task
from ..cases.workflow import lock_case
from ..china_time import today_in_china
from ..extensions import db
from ..notifications.service import notify, supervisors_of, users_with_role
from .models import RUNNING, Deadline
from .service import KIND_TITLES, reminder_day

if TYPE_CHECKING:
    from ..cases.models import Case
    from ..jobs.models import DueJob


def _locked_deadline(job: DueJob) -> tuple[Case, Deadline | None]:
    assert job.case_id is not None  # deadline jobs are scheduled with their case
    case = lock_case(job.case_id)
    assert case is not None
    deadline = db.session.get(Deadline, job.payload["deadline_id"], populate_existing=True)
    return case, deadline


def responsible_users(deadline: Deadline) -> list[int]:
    """Whoever holds the deadline's task, else everyone who may take it."""
    task = db.session.get(Task, deadline.task_id) if deadline.task_id else None
    if task is None:
        return []
    if task.assignee_id is not None:
        return [task.assignee_id]
    return users_with_role([deadline.agency_id], task.role)


def _describe(case: Case, deadline: Deadline) -> str:
    return (f"{case.case_number}《{case.title}》的{KIND_TITLES.get(deadline.kind, deadline.kind)}"
            f"于{deadline.due_on:%Y年%m月%d日}届满")


def send_reminder(job: DueJob) -> None:
    """One working day (by default) before the due date: tell whoever must act.

    Not once the due date has passed (a worker that was down, a period that started late): the
    overdue alert says it then, not a "due soon" reminder.
    """
    case, deadline = _locked_deadline(job)
    if deadline is None or deadline.status != RUNNING or deadline.due_on is None:
        return
    today = today_in_china()
    remind_on = reminder_day(deadline)
    assert remind_on is not None  # a reminder job exists only for a clock with a reminder day
    if deadline.reminded_for_on == deadline.due_on or not remind_on <= today <= deadline.due_on:
        return
    users = responsible_users(deadline)
    notify(users, kind="deadline.reminder", message=_describe(case, deadline) + "，请及时办理",
           case_id=case.id, data={"deadline_id": deadline.id, "due_on": deadline.due_on.isoformat()})
    deadline.reminded_for_on = deadline.due_on
    record_event(case, actor=None, action="deadline.reminder_sent",
                 data={"kind": deadline.kind, "due_on": deadline.due_on, "notified_user_ids": sorted(set(users))})


def flag_overdue(job: DueJob) -> None:
    """The due date has passed: flag the deadline, tell the unit's head and the supervisors.

    Nothing is cancelled: an overdue task can still be completed.
    """
    case, deadline = _locked_deadline(job)
    if deadline is None or deadline.status != RUNNING or deadline.due_on is None or deadline.overdue:
        return
    if today_in_china() <= deadline.due_on:
        return
    deadline.overdue, deadline.overdue_since = True, deadline.due_on + timedelta(days=1)
    head_role = Role.REVIEW_HEAD if deadline.kind == "review" else Role.HEAD
    users = responsible_users(deadline) + users_with_role([deadline.agency_id], head_role) \
        + supervisors_of(deadline.agency_id)
    notify(users, kind="deadline.overdue", message=_describe(case, deadline) + "，已超期",
           case_id=case.id, data={"deadline_id": deadline.id, "due_on": deadline.due_on.isoformat()})
    record_event(case, actor=None, action="deadline.overdue",
                 data={"kind": deadline.kind, "due_on": deadline.due_on, "notified_user_ids": sorted(set(users))})
