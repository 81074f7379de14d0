"""Completed tasks counted per (agency, kind, title, opened day, done day): the dashboard's working days per stage.

Kept by the database itself, not by the service: triggers on `tasks` (migration e984fe5e99ae, the same
on SQLite and PostgreSQL) add a task to its group when it becomes completed, in the statement that
completes it, so a completion issues no extra SQL statement and no code path can forget the counters
(the task service, the mirror's cancellations, case migration, a hand-made UPDATE alike). A task that
stops being completed, is deleted, or whose counted columns change leaves its old group, which is then
recounted from `tasks` (a rare path; a maximum cannot be decremented).

Why this and not the alternatives:
- Increments in the service (an UPSERT per completion) would add a statement to every completion
  (tests/test_statement_counts.py) and miss every writer but the task service.
- A nightly roll-up of closed days plus a live query over today would be stale whenever a job is late
  and still scan today's tasks; its result would differ from the live one between runs.
- The key keeps what the figures need and nothing they derive: working days depend on the calendar, which
  changes (local adjustments, next year's arrangement), so durations are counted at read time from the
  day pair, exactly as over the raw tasks; hours are summed and maximised per group.

Rows are days, not tasks: the read sums the groups of the scope's agencies over the period, which grows
with (agency, kind, day pair) combinations, not with tasks. Agencies are not foreign keys here (the
triggers' rows name the task's own agency_id, which `tasks` already constrains).
"""
from datetime import date

from sqlalchemy import Boolean, Date, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class CompletedTaskCount(Model):
    """Completed tasks of one agency (below: of all the agencies below it), kind and title, opened and done on
    two Beijing days."""

    __tablename__ = "completed_task_counts"
    __table_args__ = (Index("ix_completed_task_counts_done_on", "done_on"),)  # scopes with local calendars

    agency_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    below: Mapped[bool] = mapped_column(Boolean, primary_key=True)  # False: the agency's own tasks
    done_on: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200), primary_key=True)
    opened_on: Mapped[date] = mapped_column(Date, primary_key=True)
    tasks: Mapped[int] = mapped_column(Integer)
    total_hours: Mapped[float] = mapped_column(Float)  # from opening to completion, summed
    max_hours: Mapped[float] = mapped_column(Float)


class CaseStatusCount(Model):
    """The cases of one agency in one status, kept by triggers on cases (migration e984fe5e99ae): a new case
    adds one, a change of status or agency moves one. Cases are never deleted (their history refuses it)."""

    __tablename__ = "case_status_counts"

    agency_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(32), primary_key=True)
    cases: Mapped[int] = mapped_column(Integer)
