"""Overdue and upcoming deadlines of the dashboard: one query over the running clocks of the scope."""
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..accounts.models import User
from ..agencies.models import Agency
from ..cases.models import Case
from ..deadlines.models import RUNNING, Deadline
from ..deadlines.service import KIND_TITLES
from ..extensions import db
from ..tasks.models import Task
from ..workdays import service as workdays

# Agency adjustments may turn national working days into rest days, which moves "N working days from
# today" later than the national count says; the SQL bound allows for that and Python decides exactly.
ADJUSTMENT_MARGIN = timedelta(days=31)


def watched_deadlines(agency_ids: list[int], *, today: date, within_working_days: int) -> tuple[list, list]:
    """(overdue, upcoming) rows: running deadlines due before today, and due within N working days.

    Both lists come earliest due date first. A deadline without a due date (its calendar year is not
    loaded) is in neither list: the case page shows its problem. Working days left are counted once per
    agency and due date, not once per deadline.
    """
    holder = aliased(User)
    query = (select(Deadline.id, Deadline.case_id, Deadline.agency_id, Deadline.kind, Deadline.round,
                    Deadline.start_on, Deadline.due_on, Deadline.capped, Case.case_number, Case.title,
                    Agency.code, Agency.name, Task.title, Task.role, holder.id, holder.full_name)
             .join(Case, Case.id == Deadline.case_id)
             .join(Agency, Agency.id == Deadline.agency_id)
             .outerjoin(Task, Task.id == Deadline.task_id)
             .outerjoin(holder, holder.id == Task.assignee_id)
             .where(Deadline.agency_id.in_(agency_ids), Deadline.status == RUNNING, Deadline.due_on.is_not(None))
             .order_by(Deadline.due_on, Deadline.id))
    bound = _upcoming_bound(today, within_working_days)
    if bound is not None:
        query = query.where(Deadline.due_on <= bound)
    overdue, upcoming, left_memo = [], [], {}
    for (deadline_id, case_id, agency_id, kind, round_, start_on, due_on, capped, number, title, agency_code,
         agency_name, step, role, holder_id, holder_name) in db.session.execute(query):
        if (agency_id, due_on) not in left_memo:
            left_memo[agency_id, due_on] = _working_days_left(due_on, today, agency_id)
        left = left_memo[agency_id, due_on]
        if due_on >= today and (left is None or left > within_working_days):
            continue
        kind_title = KIND_TITLES.get(kind, kind)
        row = {"deadline_id": deadline_id, "case_id": case_id, "case_number": number, "case_title": title,
               "agency_code": agency_code, "agency_name": agency_name, "kind": kind, "kind_title": kind_title,
               "round": round_, "step": step or kind_title, "holder_role": role,
               "holder": {"id": holder_id, "full_name": holder_name} if holder_id else None,
               "start_on": start_on, "due_on": due_on, "capped": capped, "working_days_left": left,
               "working_days_overdue": (-left if left is not None else None) if due_on < today else 0}
        (overdue if due_on < today else upcoming).append(row)
    return overdue, upcoming


def _working_days_left(due_on: date, today: date, agency_id: int) -> int | None:
    """As deadlines.service.working_days_left: 0 on the last day, negative once overdue, None without data."""
    try:
        if due_on >= today:
            return workdays.working_days_between(today, due_on, agency_id=agency_id)
        return -workdays.working_days_between(due_on, today, agency_id=agency_id)
    except workdays.CalendarDataMissing:
        return None


def _upcoming_bound(today: date, within_working_days: int) -> date | None:
    """A due date after which no deadline can be within N working days of today (None: no bound known)."""
    try:
        return workdays.add_working_days(today, within_working_days + 1) + ADJUSTMENT_MARGIN
    except workdays.CalendarDataMissing:
        return None
