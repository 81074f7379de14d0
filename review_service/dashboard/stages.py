"""Average working days per stage: how long completed tasks of each kind stayed open.

A task's duration is the number of Chinese working days after the Beijing day it opened, up to and
including the day it was completed (workdays.working_days_between, with the task agency's local
adjustments): opened and done the same day is 0, opened on the eve of 国庆 and done on the first
working day after it is 1. So that work done within a day still shows, each stage also has the elapsed
clock hours from opening to completion (average and longest, one decimal), which the dashboard charts.
"""
from collections import Counter, defaultdict
from datetime import date, timedelta

from ..workdays import service as workdays
from .counters import GroupReader, counted_groups

# The default process's task kinds in the order a case meets them; other kinds follow by name.
STAGE_ORDER = ("acceptance", "supplement", "review_opinion", "extension_approval", "response", "coordination",
               "correction", "settlement", "decision", "publication", "archiving", "withdrawal")


def working_days_per_stage(agency_ids: list[int], *, today: date, period_days: int, whole_tree: bool = False,
                           groups: GroupReader = counted_groups) -> dict:
    """Per task kind: tasks completed in the `period_days` days up to today, their average and longest
    duration in working days. Tasks whose days reach a year without calendar data are counted apart.
    whole_tree: agency_ids are the first one and every agency below it (its subtree's counters serve).

    Counted from the groups (calendar, kind, title, opened day, done day) of the completed tasks, summed
    from the counter table (counters.counted_groups; counters.task_groups reads the tasks instead):
    agencies under no local calendar adjustment share the national calendar, so a province's groups fold
    into a few thousand, and each day pair's working days are counted once."""
    from_on = today - timedelta(days=period_days - 1)
    rows = groups(agency_ids, from_on, today, whole_tree)
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


class _Durations:
    """Working days from opened to done, counted once per agency and day rather than once per task.

    rank(day) = working days after `anchor` up to `day`; a duration is rank(done) - rank(opened), which
    equals working_days_between(opened, done). Where a rank lacks calendar data (a year between the
    anchor and the day is not loaded), the pair is counted directly, and None means no data.
    """

    def __init__(self, anchor: date):
        self.anchor = anchor
        self.ranks: dict[tuple[int | None, date], int | None] = {}
        self.direct: dict[tuple[int | None, date, date], int | None] = {}

    def __call__(self, agency_id: int | None, opened_on: date, done_on: date) -> int | None:
        opened, done = self._rank(agency_id, opened_on), self._rank(agency_id, done_on)
        if opened is not None and done is not None:
            return max(done - opened, 0)
        key = (agency_id, opened_on, done_on)
        if key not in self.direct:
            self.direct[key] = _count(opened_on, done_on, agency_id)
        return self.direct[key]

    def _rank(self, agency_id: int | None, day: date) -> int | None:
        if (agency_id, day) not in self.ranks:
            self.ranks[agency_id, day] = _count(self.anchor, day, agency_id)
        return self.ranks[agency_id, day]


def _count(start: date, end: date, agency_id: int | None) -> int | None:
    try:
        return workdays.working_days_between(start, end, agency_id=agency_id)
    except workdays.CalendarDataMissing:
        return None


def _stage_rank(kind: str) -> tuple:
    return (STAGE_ORDER.index(kind), "") if kind in STAGE_ORDER else (len(STAGE_ORDER), kind)
