"""The groups of completed tasks that working days per stage are counted from: read from the counters
(dashboard.models.CompletedTaskCount, kept by triggers on tasks) or, to check or rebuild them, from tasks;
and the rebuild of both counter tables after a bulk load that bypassed the triggers.

A group is (calendar, kind, title, opened day, done day) with its tasks, summed and longest hours;
calendar is the agency whose local adjustments count its days, or None for the national calendar.
"""
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import ColumnElement, case, delete, false, func, insert, null, select, text

from ..agencies.tree import descendant_ids
from ..cases.models import COMPLETED, Case, Task
from ..deadlines.clock import start_of_day
from ..extensions import db
from ..persistence import among
from ..workdays.models import CalendarAdjustment
from .models import CaseStatusCount, CompletedTaskCount

Group = tuple[int | None, str, str, date, date, int, float, float]
GroupReader = Callable[[list[int], date, date, bool], list[Group]]
# (top, id): every agency `id` below `top`, at any depth; the `below` rows are their own rows summed per top
ROLL_UP_SQL = """
INSERT INTO completed_task_counts (agency_id, below, done_on, kind, title, opened_on, tasks, total_hours, max_hours)
WITH RECURSIVE pairs(top, id) AS (SELECT parent_id, id FROM agencies WHERE parent_id IS NOT NULL
    UNION ALL SELECT agencies.parent_id, pairs.id FROM pairs JOIN agencies ON agencies.id = pairs.top
    WHERE agencies.parent_id IS NOT NULL)
SELECT pairs.top, true, c.done_on, c.kind, c.title, c.opened_on, sum(c.tasks), sum(c.total_hours), max(c.max_hours)
FROM pairs JOIN completed_task_counts c ON c.agency_id = pairs.id AND c.below = false
GROUP BY pairs.top, c.done_on, c.kind, c.title, c.opened_on
"""


def counted_groups(agency_ids: list[int], from_on: date, to_on: date, whole_tree: bool) -> list[Group]:
    """The groups of the tasks completed from `from_on` to `to_on` (Beijing days), summed from the counters.

    whole_tree: agency_ids are the first one and every agency below it. Then, unless one of them counts
    with a local calendar, the groups are the first agency's own and `below` rows: a few per kind and
    day pair, whatever the number of agencies and tasks. Else one row per (agency, kind, title, day pair)."""
    counts = CompletedTaskCount
    calendar = _calendar_of(counts.agency_id, agency_ids)
    scope: list[ColumnElement[bool]] = [counts.agency_id == agency_ids[0]]
    if not whole_tree or calendar is not None:
        scope = [among(counts.agency_id, agency_ids), counts.below.is_(False)]
    query = (select(null() if calendar is None else calendar, counts.kind, counts.title, counts.opened_on,
                    counts.done_on, func.sum(counts.tasks), func.sum(counts.total_hours), func.max(counts.max_hours))
             .where(*scope, counts.done_on >= from_on, counts.done_on <= to_on)
             .group_by(*([] if calendar is None else [calendar]), counts.kind, counts.title, counts.opened_on,
                       counts.done_on))
    return _groups(db.session.execute(query))


def task_groups(agency_ids: list[int], from_on: date, to_on: date, whole_tree: bool = False) -> list[Group]:
    """The same groups counted from the completed tasks themselves (what the counters must equal); the
    scope is agency_ids, whole tree or not."""
    calendar = _calendar_of(Task.agency_id, agency_ids)
    opened, done = beijing_day(Task.created_at), beijing_day(Task.completed_at)
    elapsed = elapsed_hours(Task.created_at, Task.completed_at)
    query = (select(null() if calendar is None else calendar, Task.kind, Task.title, opened, done, func.count(),
                    func.sum(elapsed), func.max(elapsed))
             .where(among(Task.agency_id, agency_ids), Task.status == COMPLETED,
                    Task.completed_at >= start_of_day(from_on), Task.completed_at < start_of_day(to_on + timedelta(1)))
             .group_by(*([] if calendar is None else [calendar]), Task.kind, Task.title, opened, done))
    return _groups(db.session.execute(query))


def recount_completed_tasks() -> int:
    """Rebuild every counter from tasks (after a bulk load that bypassed the triggers); returns the groups.
    The caller commits."""
    opened, done = beijing_day(Task.created_at), beijing_day(Task.completed_at)
    elapsed = elapsed_hours(Task.created_at, Task.completed_at)
    counted = (select(Task.agency_id, false(), done, Task.kind, Task.title, opened, func.count(), func.sum(elapsed),
                      func.max(elapsed))
               .where(Task.status == COMPLETED, Task.completed_at.is_not(None))
               .group_by(Task.agency_id, Task.kind, Task.title, opened, done))
    counts = CompletedTaskCount
    db.session.execute(delete(counts))
    db.session.execute(insert(counts).from_select(
        [counts.agency_id, counts.below, counts.done_on, counts.kind, counts.title, counts.opened_on, counts.tasks,
         counts.total_hours, counts.max_hours], counted))
    db.session.execute(text(ROLL_UP_SQL))
    return db.session.scalar(select(func.count()).select_from(counts)) or 0


def recount_case_statuses() -> int:
    """Rebuild the cases per (agency, status) from cases (after a bulk load that bypassed the triggers);
    returns the rows. The caller commits."""
    counted = select(Case.agency_id, Case.status, func.count()).group_by(Case.agency_id, Case.status)
    db.session.execute(delete(CaseStatusCount))
    db.session.execute(insert(CaseStatusCount).from_select(
        [CaseStatusCount.agency_id, CaseStatusCount.status, CaseStatusCount.cases], counted))
    return db.session.scalar(select(func.count()).select_from(CaseStatusCount)) or 0


def _groups(rows) -> list[Group]:
    return [(calendar, kind, title, _as_date(opened_on), _as_date(done_on), int(count), float(total), float(longest))
            for calendar, kind, title, opened_on, done_on, count, total, longest in rows]


def locally_adjusted(agency_ids: list[int]) -> list[int]:
    """Those of the agencies whose calendar has local adjustments (their own or an agency's above them)."""
    adjusting = set(db.session.scalars(select(CalendarAdjustment.agency_id).distinct()))
    return sorted({below for agency_id in adjusting for below in descendant_ids(agency_id)} & set(agency_ids))


def _calendar_of(agency_column, agency_ids: list[int]) -> ColumnElement | None:
    """The agency whose calendar counts a task's days: its own where it or an agency above it has local
    adjustments, else None (the national calendar)."""
    local = locally_adjusted(agency_ids)
    return case((agency_column.in_(local), agency_column), else_=None) if local else None  # None: all national


def beijing_day(column):
    """The Beijing calendar day of a UTC timestamp, in SQL (UTC+8 all year since 1991); as the triggers."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("Asia/Shanghai", column))
    return func.date(column, "+8 hours")


def elapsed_hours(start, end):
    """Hours from `start` to `end` (UTC timestamps), in SQL; as the triggers."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
