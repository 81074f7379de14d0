"""Average working days per stage: how long completed tasks of each kind stayed open.

A task's duration is the number of Chinese working days after the Beijing day it opened, up to and
including the day it was completed (workdays.working_days_between, with the task agency's local
adjustments): opened and done the same day is 0, opened on the eve of 国庆 and done on the first
working day after it is 1.
"""
from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from ..china_time import local_date
from ..deadlines.clock import start_of_day
from ..extensions import db
from ..tasks.models import COMPLETED, Task
from ..workdays import service as workdays

# The default process's task kinds in the order a case meets them; other kinds follow by name.
STAGE_ORDER = ("acceptance", "supplement", "review_opinion", "extension_approval", "response", "coordination",
               "correction", "settlement", "decision", "publication", "archiving", "withdrawal")


def working_days_per_stage(agency_ids: list[int], *, today: date, period_days: int) -> dict:
    """Per task kind: tasks completed in the `period_days` days up to today, their average and longest
    duration in working days. Tasks whose days reach a year without calendar data are counted apart."""
    from_on = today - timedelta(days=period_days - 1)
    query = (select(Task.agency_id, Task.kind, Task.title, Task.created_at, Task.completed_at)
             .where(Task.agency_id.in_(agency_ids), Task.status == COMPLETED,
                    Task.completed_at >= start_of_day(from_on), Task.completed_at < start_of_day(today + timedelta(1))))
    durations: dict[str, list[int]] = defaultdict(list)
    titles: dict[str, Counter] = defaultdict(Counter)
    memo: dict[tuple, int | None] = {}
    unmeasured = 0
    for agency_id, kind, title, created_at, completed_at in db.session.execute(query):
        key = (agency_id, local_date(created_at), local_date(completed_at))
        if key not in memo:
            memo[key] = _working_days(*key)
        if memo[key] is None:
            unmeasured += 1
            continue
        durations[kind].append(memo[key])
        titles[kind][title] += 1
    stages = [{"kind": kind, "title": titles[kind].most_common(1)[0][0], "tasks": len(days),
               "average_working_days": round(sum(days) / len(days), 1), "max_working_days": max(days)}
              for kind, days in sorted(durations.items(), key=lambda item: _stage_rank(item[0]))]
    return {"from_on": from_on, "to_on": today, "period_days": period_days, "stages": stages,
            "unmeasured_tasks": unmeasured}


def _working_days(agency_id: int, opened_on: date, done_on: date) -> int | None:
    try:
        return workdays.working_days_between(opened_on, done_on, agency_id=agency_id)
    except workdays.CalendarDataMissing:
        return None


def _stage_rank(kind: str) -> tuple:
    return (STAGE_ORDER.index(kind), "") if kind in STAGE_ORDER else (len(STAGE_ORDER), kind)
