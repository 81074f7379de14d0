"""The worker's deadline jobs: the reminder before the due date and the overdue flag at breach.

Each runs in the job's transaction with the case locked; a job whose deadline moved, closed or was
already handled does nothing (the newer job, scheduled under the same dedupe key, does the work).
"""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..accounts.roles import Role
from ..agencies.tree import ancestor_ids
from ..audit.service import record_event
from ..cases.models import Task
from ..cases.workflow import lock_case
from ..china_time import today_in_china
from ..extensions import db
from ..notifications.service import notify, users_with_role
from .models import RUNNING, Deadline
from .service import KIND_TITLES, reminder_day

if TYPE_CHECKING:
    from ..cases.models import Case
    from ..jobs.models import DueJob


class DeadlineReads:
    """What a deadline job reads: one query each, or, for a batch of jobs, preloaded by preload_deadlines
    after the batch's cases were locked (so nothing read is older than the locks) and shared by its jobs."""

    def __init__(self) -> None:
        self.deadlines: dict[int, Deadline] = {}
        self.tasks: dict[str, Task] = {}
        self.holders: dict[tuple[tuple[int, ...], str], list[int]] = {}

    def deadline(self, deadline_id: int) -> Deadline | None:
        if deadline_id in self.deadlines:
            return self.deadlines[deadline_id]
        return db.session.get(Deadline, deadline_id, populate_existing=True)

    def task(self, task_id: str) -> Task | None:
        return self.tasks[task_id] if task_id in self.tasks else db.session.get(Task, task_id)

    def role_holders(self, agency_ids: list[int], role: str) -> list[int]:
        """users_with_role, asked once per batch (the worker changes no user or role)."""
        key = (tuple(agency_ids), role)
        if key not in self.holders:
            self.holders[key] = users_with_role(agency_ids, role)
        return self.holders[key]


def preload_deadlines(jobs: list[DueJob]) -> None:
    """Batch preloader of the deadline jobs: their deadlines and tasks in two queries, role holders shared."""
    reads = DeadlineReads()
    ids = [job.payload["deadline_id"] for job in jobs]
    reads.deadlines = {row.id: row for row in db.session.scalars(
        select(Deadline).where(Deadline.id.in_(ids)).execution_options(populate_existing=True))}
    task_ids = [row.task_id for row in reads.deadlines.values() if row.task_id]
    reads.tasks = {row.id: row for row in db.session.scalars(select(Task).where(Task.id.in_(task_ids)))}
    for job in jobs:
        job.prepared = reads


def _reads(job: DueJob) -> DeadlineReads:
    prepared = getattr(job, "prepared", None)
    return prepared if isinstance(prepared, DeadlineReads) else DeadlineReads()


def _locked_deadline(job: DueJob) -> tuple[Case, Deadline | None]:
    assert job.case_id is not None  # deadline jobs are scheduled with their case
    case = lock_case(job.case_id)
    assert case is not None
    return case, _reads(job).deadline(job.payload["deadline_id"])


def responsible_users(deadline: Deadline, reads: DeadlineReads | None = None) -> list[int]:
    """Whoever holds the deadline's task, else everyone who may take it."""
    reads = reads or DeadlineReads()
    task = reads.task(deadline.task_id) if deadline.task_id else None
    if task is None:
        return []
    if task.assignee_id is not None:
        return [task.assignee_id]
    return reads.role_holders([deadline.agency_id], task.role)


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
    users = responsible_users(deadline, _reads(job))
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
    reads = _reads(job)
    users = responsible_users(deadline, reads) + reads.role_holders([deadline.agency_id], head_role) \
        + reads.role_holders(ancestor_ids(deadline.agency_id), Role.SUPERVISOR)  # supervisors_of
    notify(users, kind="deadline.overdue", message=_describe(case, deadline) + "，已超期",
           case_id=case.id, data={"deadline_id": deadline.id, "due_on": deadline.due_on.isoformat()})
    record_event(case, actor=None, action="deadline.overdue",
                 data={"kind": deadline.kind, "due_on": deadline.due_on, "notified_user_ids": sorted(set(users))})
