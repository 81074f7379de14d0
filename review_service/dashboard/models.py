"""The dashboard's counters, kept by the database itself: completed tasks per (agency, kind, title, opened day,
done day) for working days per stage, and cases per (agency, status) for cases per stage.

Triggers on `tasks` and `cases` (migration e984fe5e99ae, the same on SQLite and PostgreSQL) keep them in
the statement that changes the row, so a task completion sends no extra SQL statement
(tests/test_statement_counts.py) and no writer can forget them: the task service, the task mirror's
cancellations, case migration and a hand-made UPDATE alike. A task that stops being completed, is deleted
or changes a counted column leaves its old group, which is recounted from `tasks` (rare; a maximum cannot
be decremented).

Each completed task is counted twice: in its agency's own row (below = false) and in the `below` row of
every agency above it. A dashboard over a whole tree (a province supervisor's: the root and every agency
below it) then reads the root's rows only: a few per kind and day pair, whatever the number of agencies
and tasks. Own rows serve other scopes and trees where an agency has a local calendar (its days count
with its own adjustments, so its tasks must stay apart). At 500,000 cases the province's 90 days are
≈ 540 root rows instead of ≈ 500,000 tasks (≈ 390,000 own rows: in a county agency a day pair rarely
holds two tasks of a kind).

Why this design and not another:
- Increments in the service (an UPSERT per completion) would add statements to every completion and
  miss every writer but the task service.
- A nightly roll-up of closed days plus a live query over today would be stale whenever the job is late,
  still scan today's tasks, and differ from the live figures between runs.
- The key keeps what the figures need, not what they derive: working days depend on the calendar, which
  changes (local adjustments, next year's arrangement), so they are counted at read time from the day
  pair exactly as over raw tasks; hours are summed and maximised per group.
Concurrency (PostgreSQL): a completion locks its agency's row and one row per agency above it until it
commits; completions of one kind on one day in one province queue on the province's row for the few ms
of their commit (a province completes a few thousand tasks a day). One task per transaction, rows taken
nearest agency first, so completions cannot deadlock; a case's status change takes its two rows in key
order for the same reason. Agencies are not foreign keys here (`tasks` and `cases` constrain them), and
agencies are never re-parented by the service (a move would need a recount: counters.recount_*).
"""
from datetime import date

from sqlalchemy import Boolean, Date, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class CompletedTaskCount(Model):
    """Completed tasks of one agency (below: of every agency below it), kind and title, opened and done on two
    Beijing days."""

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
