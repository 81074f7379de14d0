"""Overdue and upcoming deadlines of the dashboard: one query over the running clocks of the scope."""
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..accounts.models import User
from ..agencies.models import Agency
from ..cases.models import Case
from ..deadlines.models import RUNNING, Deadline
from ..deadlines.service import KIND_TITLES, working_days_left
from ..extensions import db
from ..tasks.models import Task
from ..workdays import service as workdays

# Agency adjustments may turn national working days into rest days, which moves "N working days from
# today" later than the national count says; the SQL bound allows for that and Python decides exactly.
ADJUSTMENT_MARGIN = timedelta(days=31)


def watched_deadlines(agency_ids: list[int], *, today: date, within_working_days: int) -> tuple[list, list]:
    """(overdue, upcoming) rows: running deadlines due before today, and due within N working days.

    Both lists come earliest due date first. A deadline without a due date
    (its calendar year is not loaded) is in neither list: the case page shows its problem.
    """
    holder = aliased(User)
    query = (select(Deadline, Case.case_number, Case.title, Agency.code, Agency.name, Task.title, Task.role,
                    holder.id, holder.full_name)
             .join(Case, Case.id == Deadline.case_id)
             .join(Agency, Agency.id == Deadline.agency_id)
             .outerjoin(Task, Task.id == Deadline.task_id)
             .outerjoin(holder, holder.id == Task.assignee_id)
             .where(Deadline.agency_id.in_(agency_ids), Deadline.status == RUNNING, Deadline.due_on.is_not(None))
             .order_by(Deadline.due_on, Deadline.id))
    bound = _upcoming_bound(today, within_working_days)
    if bound is not None:
        query = query.where(Deadline.due_on <= bound)
    overdue, upcoming = [], []
    for deadline, number, title, agency_code, agency_name, step, role, holder_id, holder_name \
            in db.session.execute(query):
        left = working_days_left(deadline)
        row = {"deadline_id": deadline.id, "case_id": deadline.case_id, "case_number": number,
               "case_title": title, "agency_code": agency_code, "agency_name": agency_name,
               "kind": deadline.kind, "kind_title": KIND_TITLES.get(deadline.kind, deadline.kind),
               "round": deadline.round, "step": step or KIND_TITLES.get(deadline.kind, deadline.kind),
               "holder_role": role, "holder": {"id": holder_id, "full_name": holder_name} if holder_id else None,
               "start_on": deadline.start_on, "due_on": deadline.due_on, "capped": deadline.capped,
               "working_days_left": left}
        if deadline.due_on < today:
            row["working_days_overdue"] = -left if left is not None else None
            overdue.append(row)
        elif left is not None and left <= within_working_days:
            row["working_days_overdue"] = 0
            upcoming.append(row)
    return overdue, upcoming


def _upcoming_bound(today: date, within_working_days: int) -> date | None:
    """A due date after which no deadline can be within N working days of today (None: no bound known)."""
    try:
        return workdays.add_working_days(today, within_working_days + 1) + ADJUSTMENT_MARGIN
    except workdays.CalendarDataMissing:
        return None
