"""Overdue and upcoming deadlines of the dashboard: a count and two listings of the running clocks."""
from datetime import date, timedelta

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import aliased

from ..accounts.models import User
from ..agencies.models import Agency
from ..cases.models import Case, Task
from ..deadlines.models import OPEN_STATUSES, RUNNING, Deadline
from ..deadlines.service import KIND_TITLES, working_days_until
from ..extensions import db
from ..persistence import among
from ..workdays import service as workdays
from .counters import locally_adjusted

# Agency adjustments may turn national working days into rest days, which moves "N working days from
# today" later than the national count says; the SQL bound allows for that and Python decides exactly.
ADJUSTMENT_MARGIN = timedelta(days=31)


def calendar_gaps(agency_ids: list[int], *, today: date, every_agency: bool = False) -> dict:
    """Coming years without a holiday arrangement, and the open deadlines whose due date waits for one."""
    waiting = db.session.scalar(select(func.count(Deadline.id)).where(
        _of(agency_ids, every_agency), Deadline.status.in_(OPEN_STATUSES), Deadline.due_on.is_(None)))
    return {"missing_years": workdays.missing_years_ahead(today), "deadlines_without_due_date": waiting}


def watched_deadlines(agency_ids: list[int], *, today: date, within_working_days: int, limit: int,
                      every_agency: bool = False) -> dict:
    """Running deadlines due before today (overdue) and due within N working days (upcoming).

    Each list holds at most `limit` rows, earliest due date first; `overdue_total` and `upcoming_total`
    count them all. A deadline without a due date (its calendar year is not loaded) is in neither list:
    the case page shows its problem. Working days are counted once per agency and due date.
    every_agency: agency_ids are every agency there is (no filter by agency: the plan walks the due dates).
    """
    running = (_of(agency_ids, every_agency), Deadline.status == RUNNING, Deadline.due_on.is_not(None))
    overdue_total = db.session.scalar(select(func.count(Deadline.id)).where(*running, Deadline.due_on < today))
    left_memo: dict[tuple[int, date], int | None] = {}
    overdue = [_row(values, today, left_memo)
               for values in db.session.execute(_listing(running).where(Deadline.due_on < today).limit(limit))]
    upcoming, upcoming_total = _upcoming(running, agency_ids, today=today, within_working_days=within_working_days,
                                         limit=limit, left_memo=left_memo)
    return {"overdue": overdue, "overdue_total": overdue_total, "upcoming": upcoming, "upcoming_total": upcoming_total}


def _upcoming(running: tuple, agency_ids: list[int], *, today: date, within_working_days: int, limit: int,
              left_memo: dict) -> tuple[list[dict], int]:
    """(the first `limit` deadlines due within N working days, how many there are).

    On the national calendar that is exactly a due date before the (N+1)th working day after today, so SQL
    counts them and reads only the first `limit`. Agencies under local adjustments are read near that date
    (ADJUSTMENT_MARGIN) and Python decides each; so does every agency when the calendar lacks that day."""
    soon = _listing(running).where(Deadline.due_on >= today)
    try:
        end = workdays.add_working_days(today, within_working_days + 1)
    except workdays.CalendarDataMissing:
        rows = _within(soon, today, within_working_days, left_memo)
        return rows[:limit], len(rows)
    local = locally_adjusted(agency_ids)
    national = [Deadline.due_on >= today, Deadline.due_on < end] + ([Deadline.agency_id.not_in(local)] if local else [])
    total = db.session.scalar(select(func.count(Deadline.id)).where(*running, *national)) or 0
    rows = [_row(values, today, left_memo) for values in db.session.execute(soon.where(*national).limit(limit))]
    if local:
        near = soon.where(Deadline.agency_id.in_(local), Deadline.due_on < end + ADJUSTMENT_MARGIN)
        adjusted = _within(near, today, within_working_days, left_memo)
        rows = sorted(rows + adjusted, key=lambda row: (row["due_on"], row["deadline_id"]))
        total += len(adjusted)
    return rows[:limit], total


def _within(query, today: date, within_working_days: int, left_memo: dict) -> list[dict]:
    rows = (_row(values, today, left_memo) for values in db.session.execute(query))
    return [row for row in rows
            if row["working_days_left"] is not None and row["working_days_left"] <= within_working_days]


def _of(agency_ids: list[int], every_agency: bool) -> ColumnElement[bool]:
    return true() if every_agency else among(Deadline.agency_id, agency_ids)


def _listing(running: tuple):
    """The columns a deadline row shows: the clock, its case and agency, the task it runs for and its holder."""
    holder = aliased(User)
    return (select(Deadline.id, Deadline.case_id, Deadline.agency_id, Deadline.kind, Deadline.round,
                   Deadline.start_on, Deadline.due_on, Deadline.capped, Case.case_number, Case.title,
                   Agency.code, Agency.name, Task.title, Task.role, holder.id, holder.full_name)
            .join(Case, Case.id == Deadline.case_id)
            .join(Agency, Agency.id == Deadline.agency_id)
            .outerjoin(Task, Task.id == Deadline.task_id)
            .outerjoin(holder, holder.id == Task.assignee_id)
            .where(*running)
            .order_by(Deadline.due_on, Deadline.id))


def _row(values, today: date, left_memo: dict) -> dict:
    (deadline_id, case_id, agency_id, kind, round_, start_on, due_on, capped, number, title, agency_code,
     agency_name, step, role, holder_id, holder_name) = values
    if (agency_id, due_on) not in left_memo:
        left_memo[agency_id, due_on] = working_days_until(due_on, today, agency_id=agency_id)
    left = left_memo[agency_id, due_on]
    kind_title = KIND_TITLES.get(kind, kind)
    return {"deadline_id": deadline_id, "case_id": case_id, "case_number": number, "case_title": title,
            "agency_code": agency_code, "agency_name": agency_name, "kind": kind, "kind_title": kind_title,
            "round": round_, "step": step or kind_title, "holder_role": role,
            "holder": {"id": holder_id, "full_name": holder_name} if holder_id else None,
            "start_on": start_on, "due_on": due_on, "capped": capped, "working_days_left": left,
            "working_days_overdue": (-left if left is not None else None) if due_on < today else 0}
