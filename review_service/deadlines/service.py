"""Open, pause, resume, close and compute deadlines as a case's tasks come and go.

The rules come from the BPMN: a user task with the property `deadlineKind` runs a clock whose
length and start are expressions the designer writes (evaluated in the task's data, sandboxed):

    deadlineKind          review | publication | archiving | ...   (one clock per kind and round)
    deadlineWorkingDays   e.g. time_limits["review_working_days"]    (or deadlineCalendarDays)
    deadlineStart         e.g. record_decision["decided_on"]         (default: today, Beijing)
    deadlineCapFrom       e.g. case["filed_on"]: the statutory decision period (Art. 60) counts from it,
    deadlineCapCalendarDays  e.g. time_limits["statutory_decision_calendar_days"]: the due date is cut to
                          that day (moved off a rest day), computed as soon as its year's calendar is known
    deadlineCap           older form: a date expression evaluated once when the clock opens
    extensionWorkingDays  working days one approved extension adds (0: no extension)
    supplementMode        RESTART | SUSPEND: what returning the file for materials does to the clock
    reminderWorkingDays   how many working days before the due date the reminder goes out

A ready task with `pausesDeadline` = <kind> stops that kind's clock (e.g. 补充材料).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, and_, bindparam, or_

from ..accounts.roles import Role
from ..cases.models import COMPLETED, Task
from ..china_time import today_in_china
from ..engine import HumanTask, ScriptFailed, WorkflowRun
from ..errors import InvalidInput
from ..extensions import db
from ..jobs.models import DueJob
from ..jobs.service import add_new_jobs, schedule_job
from ..notifications.service import notify, users_with_role
from ..persistence import (
    add_at_once,
    built_once,
    execute_core,
    flush_if_unsaved,
    no_autoflush,
)
from ..workdays import service as workdays
from .clock import REMINDER_HOUR, breach_moment, start_of_day
from .models import CALENDAR, CANCELLED, MET, OPEN_STATUSES, PAUSED, RUNNING, WORKING, Deadline
from .open_clocks import open_deadlines

if TYPE_CHECKING:
    from ..cases.models import Case

KIND_TITLES = {"review": "法制审核期限", "publication": "公示期限", "archiving": "归档期限",
               "withdrawal": "撤回公示信息期限"}
REMINDER_JOB, BREACH_JOB = "deadline.reminder", "deadline.breach"
SERVICE_KINDS = {"withdrawal"}
SUPPLEMENT_MODES = ("RESTART", "SUSPEND")  # clocks the service opens itself (no BPMN task behind them)


@dataclass(frozen=True)
class DeadlineRule:
    unit: str
    period_days: int
    start_on: date
    cap_from_on: date | None
    cap_calendar_days: int | None
    cap_on: date | None
    cap_missing: workdays.CalendarDataMissing | None  # the older deadlineCap needed a year without data
    extension_limit: int
    supplement_mode: str
    reminder_days: int


def sync_deadlines(case: Case, run: WorkflowRun, ready: list[HumanTask], task_rows: dict[str, Task],
                   record_change: Callable[[dict[str, Any]], object], *, open_rows: list[Deadline] | None = None
                   ) -> None:
    """Keep the case's clocks in step with its ready tasks; pass each history entry to record_change.

    open_rows: the case's open clocks as read with the case lock (tasks.mirror.lock_case_of_task); else read here.
    New clocks are INSERTed in one statement, after their history entries (their ids name the alert jobs).
    task_rows may hold tasks not added to the session yet: they get their deadline_id before their INSERT.
    """
    still_open = []
    by_kind = {t.properties["deadlineKind"]: t for t in ready if t.properties.get("deadlineKind")}
    pausing = {t.properties["pausesDeadline"] for t in ready if t.properties.get("pausesDeadline")}
    for deadline in open_deadlines(case.id, read_with_lock=open_rows):
        still_open.append(deadline)
        if deadline.kind not in SERVICE_KINDS:
            _follow_tasks(case, deadline, by_kind, pausing, record_change)
    still_open += _start_deadlines(case, run, by_kind, record_change)
    for deadline in still_open:  # the task a clock runs for shows its due date
        if deadline.task_id in task_rows and deadline.status in OPEN_STATUSES:
            task_rows[deadline.task_id].deadline_id = deadline.id


def _follow_tasks(case: Case, deadline: Deadline, by_kind: dict[str, HumanTask], pausing: set[str],
                  record_change: Callable[[dict[str, Any]], object]) -> None:
    """An open clock: moves to its kind's ready task (taken from by_kind), pauses, resumes, or stops."""
    human = by_kind.get(deadline.kind)
    if human is not None and deadline.round == case.round:
        if deadline.status == PAUSED:
            record_change(_resume(deadline))
        deadline.task_id = human.id
        by_kind.pop(deadline.kind)
    elif deadline.kind in pausing:
        if deadline.status == RUNNING:
            record_change(_pause(deadline))
    else:
        record_change(close_deadline(deadline))


def _start_deadlines(case: Case, run: WorkflowRun, by_kind: dict[str, HumanTask],
                     record_change: Callable[[dict[str, Any]], object]) -> list[Deadline]:
    """New clocks for the ready tasks no open clock follows, INSERTed at once after their history entries."""
    opened = [_new_deadline(case, run, human, kind) for kind, human in by_kind.items()]
    for deadline in opened:
        record_change({"action": "deadline.started", "kind": deadline.kind, "due_on": deadline.due_on,
                       "start_on": deadline.start_on, "capped": deadline.capped, "problem": deadline.problem})
    add_at_once(opened)  # one INSERT ... RETURNING their ids; the transaction's other rows are written later
    add_new_jobs([job for deadline in opened for job in _alert_jobs(deadline) or ()])  # new keys: one INSERT
    for deadline in opened:
        if deadline.capped:
            warn_capped(case, deadline)
    return opened


@built_once
def _delete_jobs_statement() -> Any:
    return cast(Table, DueJob.__table__).delete().where(DueJob.dedupe_key.in_(bindparam("keys", expanding=True)))


def _new_deadline(case: Case, run: WorkflowRun, human: HumanTask, kind: str) -> Deadline:
    """A running clock for the task, its due date computed; the caller adds it and schedules its alerts."""
    rule = evaluate_rule(run, human)
    deadline = Deadline(case_id=case.id, agency_id=case.agency_id, kind=kind, round=case.round, task_id=human.id,
                        unit=rule.unit, period_days=rule.period_days, extension_days=0,
                        extension_limit=rule.extension_limit, supplement_mode=rule.supplement_mode, days_used=0,
                        reminder_days=rule.reminder_days, start_on=rule.start_on, cap_on=rule.cap_on,
                        cap_from_on=rule.cap_from_on, cap_calendar_days=rule.cap_calendar_days, status=RUNNING)
    _compute_due(deadline)  # before the INSERT, which then carries the due date
    if rule.cap_missing is not None and deadline.problem is None:
        deadline.due_on, deadline.problem = None, rule.cap_missing.message
    return deadline


def warn_capped(case: Case, deadline: Deadline) -> None:
    """The period would run past the statutory decision deadline (Art. 60): tell the handler and the unit head."""
    with no_autoflush():  # reads users and roles only; this transaction's rows are written later
        heads = users_with_role([case.agency_id], Role.REVIEW_HEAD)
    notify([case.handler_id, *heads], kind="deadline.capped",
           case_id=case.id,
           data={"deadline_id": deadline.id, "cap_on": deadline.cap_on.isoformat() if deadline.cap_on else None},
           message=f"{case.case_number}《{case.title}》的{KIND_TITLES.get(deadline.kind, deadline.kind)}"
                   f"已按法定决定期限截止于{deadline.cap_on:%Y年%m月%d日}（行政处罚法第六十条）")


def evaluate_rule(run: WorkflowRun, human: HumanTask) -> DeadlineRule:
    """Evaluate the task's deadline properties; a designer's mistake is a clear 422, not a 500."""
    props = human.properties

    def value(name: str, default: Any = None) -> Any:
        source = props.get(name)
        return default if not source else run.evaluate(human.id, source)

    try:
        unit = CALENDAR if props.get("deadlineCalendarDays") else WORKING
        period = int(value("deadlineCalendarDays" if unit == CALENDAR else "deadlineWorkingDays", 0))
        start, cap_from = value("deadlineStart"), value("deadlineCapFrom")
        cap_days = value("deadlineCapCalendarDays") if cap_from else None
        cap, cap_missing = _older_cap(run, human)
        rule = DeadlineRule(unit=unit, period_days=period,
                            start_on=date.fromisoformat(str(start)[:10]) if start else today_in_china(),
                            cap_from_on=date.fromisoformat(str(cap_from)[:10]) if cap_from else None,
                            cap_calendar_days=int(cap_days) if cap_days is not None else None,
                            cap_on=date.fromisoformat(str(cap)[:10]) if cap else None, cap_missing=cap_missing,
                            extension_limit=int(value("extensionWorkingDays", 0)),
                            supplement_mode=str(value("supplementMode", "RESTART")).upper(),
                            reminder_days=int(value("reminderWorkingDays", 1)))
        if rule.supplement_mode not in SUPPLEMENT_MODES or min(period, rule.extension_limit) < 0:
            raise ValueError(f"supplementMode 须为 RESTART 或 SUSPEND，天数不能为负（{rule}）")
        if cap_from and (rule.cap_calendar_days is None or rule.cap_calendar_days < 0):
            raise ValueError("deadlineCapFrom 须同时给出不为负的 deadlineCapCalendarDays")
        return rule
    except ScriptFailed as exc:
        if isinstance(exc.__cause__, workdays.CalendarDataMissing):
            raise exc.__cause__ from None
        raise _designer_mistake(human, str(exc)) from exc
    except (TypeError, ValueError) as exc:
        raise _designer_mistake(human, f"期限属性取值无效: {exc}") from exc


def _older_cap(run: WorkflowRun, human: HumanTask) -> tuple[Any, workdays.CalendarDataMissing | None]:
    """(value, None) of the older `deadlineCap` expression, or (None, CalendarDataMissing) when it needs
    a year without calendar data: the clock then opens without a due date instead of refusing the step."""
    source = human.properties.get("deadlineCap")
    if not source:
        return None, None
    try:
        return run.evaluate(human.id, source), None
    except ScriptFailed as exc:
        if isinstance(exc.__cause__, workdays.CalendarDataMissing):
            return None, exc.__cause__
        raise


def _designer_mistake(human: HumanTask, message: str) -> InvalidInput:
    return InvalidInput(message, code="workflow_script_error", fields={"process": [f"{human.name}: {message}"]})


def recompute_due(deadline: Deadline) -> date | None:
    """Compute due_on from the clock's facts and move its reminder and breach jobs accordingly."""
    _compute_due(deadline)
    schedule_alerts(deadline)
    return deadline.due_on


def _compute_due(deadline: Deadline) -> None:
    """due_on from start, period, extension and days used, cut to the cap; NULL and a problem only when a
    year without calendar data decides the answer."""
    try:
        period_end, missing = _period_end(deadline), None
    except workdays.CalendarDataMissing as exc:
        period_end, missing = None, exc
    try:
        cap, cap_missing = _cap(deadline), None
    except workdays.CalendarDataMissing as exc:
        cap, cap_missing = None, exc
    if deadline.cap_from_on is not None:
        deadline.cap_on = cap
    due, capped = period_end, False
    if cap is not None and (period_end > cap if period_end is not None
                            else missing is not None and cap.year < missing.year):
        due, capped, missing = cap, True, None  # (a period reaching a later, unknown year ends after the cap)
    elif cap_missing is not None and period_end is not None and period_end >= _unmoved_cap(deadline):
        due, missing = None, cap_missing  # the cap lies on or after its unmoved day: earlier periods stand
    deadline.due_on, deadline.capped = due, capped
    deadline.problem = missing.message if missing is not None else None
    if deadline.overdue and deadline.due_on is not None and deadline.due_on >= today_in_china():
        deadline.overdue, deadline.overdue_since = False, None  # an extension cured the breach


def _period_end(deadline: Deadline) -> date:
    remaining = deadline.period_days + deadline.extension_days - deadline.days_used
    if deadline.unit == CALENDAR:
        return workdays.add_calendar_days(deadline.start_on, remaining, agency_id=deadline.agency_id)
    return workdays.add_working_days(deadline.start_on, max(remaining, 0), agency_id=deadline.agency_id)


def _cap(deadline: Deadline) -> date | None:
    """The statutory decision deadline: from the 立案 date, or the older form's fixed date (or none)."""
    if deadline.cap_from_on is None:
        return deadline.cap_on
    return workdays.add_calendar_days(deadline.cap_from_on, deadline.cap_calendar_days or 0,
                                      agency_id=deadline.agency_id)


def _unmoved_cap(deadline: Deadline) -> date:
    assert deadline.cap_from_on is not None and deadline.cap_calendar_days is not None  # a clock with a cap
    return deadline.cap_from_on + timedelta(days=deadline.cap_calendar_days)


def _pause(deadline: Deadline) -> dict[str, Any]:
    """退回补充材料: stop the clock; SUSPEND keeps the working days used so far."""
    today = today_in_china()
    if deadline.supplement_mode == "SUSPEND":
        deadline.days_used += _working_days_used(deadline, today)
    deadline.status, deadline.paused_on = PAUSED, today
    schedule_alerts(deadline)
    return {"action": "deadline.paused", "kind": deadline.kind, "mode": deadline.supplement_mode,
            "days_used": deadline.days_used}


def _working_days_used(deadline: Deadline, today: date) -> int:
    try:
        return workdays.working_days_between(deadline.start_on, today, agency_id=deadline.agency_id)
    except workdays.CalendarDataMissing:
        return 0


def _resume(deadline: Deadline) -> dict[str, Any]:
    """Materials supplied: RESTART counts the whole period again from today; SUSPEND the rest of it."""
    if deadline.supplement_mode != "SUSPEND":
        deadline.days_used = 0
    deadline.start_on, deadline.paused_on, deadline.status = today_in_china(), None, RUNNING
    deadline.reminded_for_on = None
    recompute_due(deadline)
    return {"action": "deadline.resumed", "kind": deadline.kind, "mode": deadline.supplement_mode,
            "days_used": deadline.days_used, "due_on": deadline.due_on}


def close_deadline(deadline: Deadline) -> dict[str, Any]:
    """The clock's task is done (met) or went away without being done (cancelled)."""
    task = db.session.get(Task, deadline.task_id) if deadline.task_id else None
    deadline.status = MET if task is not None and task.status == COMPLETED else CANCELLED
    deadline.closed_at = task.completed_at if task is not None and task.completed_at else None
    schedule_alerts(deadline)
    late = deadline.due_on is not None and today_in_china() > deadline.due_on
    return {"action": f"deadline.{deadline.status}", "kind": deadline.kind, "due_on": deadline.due_on,
            "late": late and deadline.status == MET}


def schedule_alerts(deadline: Deadline) -> None:
    """(Re)schedule the reminder and the breach job of a running deadline, or drop them."""
    jobs = _alert_jobs(deadline)
    if jobs is None:
        _delete_jobs([_job_key(deadline, kind) for kind in (REMINDER_JOB, BREACH_JOB)])
    for job in jobs or ():
        schedule_job(job.pop("kind"), job.pop("due_at"), **job)


def _alert_jobs(deadline: Deadline) -> list[dict[str, Any]] | None:
    """The reminder and breach jobs a deadline needs now (None: it is not running, or has no due date)."""
    if deadline.status != RUNNING or deadline.due_on is None:
        return None
    due: dict[str, datetime] = {}
    if not deadline.overdue:
        due[BREACH_JOB] = breach_moment(deadline.due_on)
    remind_on = reminder_day(deadline)
    if remind_on is not None and deadline.reminded_for_on != deadline.due_on:
        due[REMINDER_JOB] = start_of_day(remind_on, REMINDER_HOUR)
    return [{"kind": kind, "due_at": due_at, "case_id": deadline.case_id, "payload": {"deadline_id": deadline.id},
             "dedupe_key": _job_key(deadline, kind)} for kind, due_at in due.items()]


def _job_key(deadline: Deadline, kind: str) -> str:
    """The dedupe key of a deadline's reminder or breach job: one of each per deadline."""
    return f"deadline:{deadline.id}:{kind.split('.')[1]}"


def _delete_jobs(dedupe_keys: list[str]) -> None:
    """One DELETE by dedupe key, on the transaction's connection (session.execute would autoflush first).

    If this transaction still holds unwritten changes to those jobs, they are flushed first.
    """
    flush_if_unsaved(lambda row: isinstance(row, DueJob) and row.dedupe_key in dedupe_keys)
    execute_core(_delete_jobs_statement(), {"keys": dedupe_keys})


def reminder_day(deadline: Deadline) -> date | None:
    """The working day `reminder_days` before the due date (None: no reminder)."""
    if deadline.reminder_days <= 0 or deadline.due_on is None:
        return None
    day = deadline.due_on
    try:
        for _ in range(deadline.reminder_days):
            day = workdays.previous_working_day(day, agency_id=deadline.agency_id)
    except workdays.CalendarDataMissing:
        return deadline.due_on - timedelta(days=deadline.reminder_days)
    return day


def working_days_left(deadline: Deadline | None) -> int | None:
    """Working days from today to the due date: 0 on the last day, negative once overdue."""
    if deadline is None or deadline.due_on is None:
        return None
    return working_days_until(deadline.due_on, today_in_china(), agency_id=deadline.agency_id)


def overdue_clause(agency_ids: Iterable[int], today: date) -> Any:
    """SQL form of "flagged overdue, or working_days_left(deadline) < 0" for deadlines of these agencies.

    working_days_left is negative once a working day of the deadline's agency lies after the due date and on or
    before today: the due date is before the last working day up to today. Without calendar data: the flag only.
    """
    late = []
    for agency_id in sorted(agency_ids):
        try:
            last = today if workdays.is_working_day(today, agency_id=agency_id) \
                else workdays.previous_working_day(today, agency_id=agency_id)
        except workdays.CalendarDataMissing:
            continue
        late.append(and_(Deadline.agency_id == agency_id, Deadline.due_on < last))
    return or_(Deadline.overdue.is_(True), *late)


def working_days_until(due_on: date, today: date, *, agency_id: int) -> int | None:
    """Working days from today to due_on: 0 on the day itself, negative once past, None without calendar data."""
    try:
        if due_on >= today:
            return workdays.working_days_between(today, due_on, agency_id=agency_id)
        return -workdays.working_days_between(due_on, today, agency_id=agency_id)
    except workdays.CalendarDataMissing:
        return None
