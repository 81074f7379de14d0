"""Average working days per stage: how long completed tasks of each kind stayed open.

A task's duration is the number of Chinese working days after the Beijing day it opened, up to and
including the day it was completed (workdays.working_days_between, with the task agency's local
adjustments): opened and done the same day is 0, opened on the eve of 国庆 and done on the first
working day after it is 1. So that work done within a day still shows, each stage also has the elapsed
clock hours from opening to completion (average and longest, one decimal), which the dashboard charts.
"""
from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import ColumnElement, case, func, null, select

from ..agencies.tree import descendant_ids
from ..cases.models import COMPLETED, Task
from ..deadlines.clock import start_of_day
from ..extensions import db
from ..persistence import among
from ..workdays import service as workdays
from ..workdays.models import CalendarAdjustment

# The default process's task kinds in the order a case meets them; other kinds follow by name.
STAGE_ORDER = ("acceptance", "supplement", "review_opinion", "extension_approval", "response", "coordination",
               "correction", "settlement", "decision", "publication", "archiving", "withdrawal")


def working_days_per_stage(agency_ids: list[int], *, today: date, period_days: int) -> dict:
    """Per task kind: tasks completed in the `period_days` days up to today, their average and longest
    duration in working days. Tasks whose days reach a year without calendar data are counted apart.

    Counted in SQL per (calendar, kind, title, opened day, done day): agencies under no local calendar
    adjustment share the national calendar, so a province's tasks fold into a few thousand groups."""
    from_on = today - timedelta(days=period_days - 1)
    calendar = _calendar_of(agency_ids)
    opened, done = _beijing_day(Task.created_at), _beijing_day(Task.completed_at)
    elapsed = _elapsed_hours(Task.created_at, Task.completed_at)
    query = (select(null() if calendar is None else calendar, Task.kind, Task.title, opened, done, func.count(),
                    func.sum(elapsed), func.max(elapsed))
             .where(among(Task.agency_id, agency_ids), Task.status == COMPLETED,
                    Task.completed_at >= start_of_day(from_on), Task.completed_at < start_of_day(today + timedelta(1)))
             .group_by(*([] if calendar is None else [calendar]), Task.kind, Task.title, opened, done))
    rows = [(agency_id, kind, title, _as_date(opened_on), _as_date(done_on), count, float(total), float(longest))
            for agency_id, kind, title, opened_on, done_on, count, total, longest in db.session.execute(query)]
    durations: dict[str, Counter] = defaultdict(Counter)
    hours: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])  # kind -> [sum, max]
    titles: dict[str, Counter] = defaultdict(Counter)
    unmeasured = 0
    if rows:
        duration = _Durations(min(row[3] for row in rows) - timedelta(days=1))
        for agency_id, kind, title, opened_on, done_on, count, total_hours, longest_hours in rows:
            days = duration(agency_id, opened_on, done_on)
            if days is None:
                unmeasured += count
                continue
            durations[kind][days] += count
            titles[kind][title] += count
            hours[kind][0] += total_hours
            hours[kind][1] = max(hours[kind][1], longest_hours)
    stages = [{"kind": kind, "title": titles[kind].most_common(1)[0][0], "tasks": days.total(),
               "average_working_days": round(sum(d * n for d, n in days.items()) / days.total(), 1),
               "max_working_days": max(days),
               "average_hours": round(hours[kind][0] / days.total(), 1), "max_hours": round(hours[kind][1], 1)}
              for kind, days in sorted(durations.items(), key=lambda item: _stage_rank(item[0]))]
    return {"from_on": from_on, "to_on": today, "period_days": period_days, "stages": stages,
            "unmeasured_tasks": unmeasured}


def _calendar_of(agency_ids: list[int]) -> ColumnElement | None:
    """The agency whose calendar counts a task's days: its own where it or an agency above it has local
    adjustments, else None (the national calendar)."""
    adjusting = set(db.session.scalars(select(CalendarAdjustment.agency_id).distinct()))
    local = sorted({below for agency_id in adjusting for below in descendant_ids(agency_id)} & set(agency_ids))
    return case((Task.agency_id.in_(local), Task.agency_id), else_=None) if local else None  # None: all national


def _beijing_day(column):
    """The Beijing calendar day of a UTC timestamp, in SQL (UTC+8 all year since 1991)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("Asia/Shanghai", column))
    return func.date(column, "+8 hours")


def _elapsed_hours(start, end):
    """Hours from `start` to `end` (UTC timestamps), in SQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


class _Durations:
    """Working days from opened to done, counted once per agency and day rather than once per task.

    rank(day) = working days after `anchor` up to `day`; a duration is rank(done) - rank(opened), which
    equals working_days_between(opened, done). Where a rank lacks calendar data (a year between the
    anchor and the day is not loaded), the pair is counted directly, and None means no data.
    """

    def __init__(self, anchor: date):
        self.anchor = anchor
        self.ranks: dict[tuple[int, date], int | None] = {}
        self.direct: dict[tuple[int, date, date], int | None] = {}

    def __call__(self, agency_id: int, opened_on: date, done_on: date) -> int | None:
        opened, done = self._rank(agency_id, opened_on), self._rank(agency_id, done_on)
        if opened is not None and done is not None:
            return max(done - opened, 0)
        key = (agency_id, opened_on, done_on)
        if key not in self.direct:
            self.direct[key] = _count(opened_on, done_on, agency_id)
        return self.direct[key]

    def _rank(self, agency_id: int, day: date) -> int | None:
        if (agency_id, day) not in self.ranks:
            self.ranks[agency_id, day] = _count(self.anchor, day, agency_id)
        return self.ranks[agency_id, day]


def _count(start: date, end: date, agency_id: int) -> int | None:
    try:
        return workdays.working_days_between(start, end, agency_id=agency_id)
    except workdays.CalendarDataMissing:
        return None


def _stage_rank(kind: str) -> tuple:
    return (STAGE_ORDER.index(kind), "") if kind in STAGE_ORDER else (len(STAGE_ORDER), kind)
