"""撤回公示信息: a published decision was changed or revoked; withdraw it within N working days of receipt.

Opens a withdrawal task for the handling unit with its own deadline (default 3 working days,
行政处罚法 Art. 48 and 85); the time limit comes from the case's process (time_limits) when set.
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..accounts.roles import Actor, Role
from ..audit.service import record_event
from ..cases.models import OPEN, Task
from ..cases.service import get_case
from ..cases.workflow import load_run, lock_case
from ..china_time import check_day_between
from ..errors import Conflict, Forbidden
from ..extensions import db
from .models import RUNNING, WORKING, Deadline
from .service import close_deadline, recompute_due

if TYPE_CHECKING:
    from ..cases.models import Case

WITHDRAWAL_KIND = "withdrawal"
DEFAULT_WITHDRAWAL_WORKING_DAYS = 3
WITHDRAWING_ROLES = (Role.HANDLER, Role.HEAD)


def check_can_withdraw(actor: Actor, case: Case) -> None:
    """承办人 or 机关负责人 of the case's own agency (a supervisor above sees the case but may not act)."""
    if not any(actor.has_role(role) for role in WITHDRAWING_ROLES):
        raise Forbidden("需要承办人或机关负责人角色", code="role_required")
    if case.agency_id != actor.agency_id:
        raise Forbidden("只能处理本机关的案件", code="other_agency")


def check_decided(case: Case) -> None:
    """Only a decided case has published decision information to withdraw (409 no_decision)."""
    if case.decision is None:
        raise Conflict("本案尚未作出决定，没有可撤回的公示信息", code="no_decision")


def check_withdrawable(actor: Actor, case: Case) -> None:
    """The actor may open a withdrawal on this case now (403 role_required / other_agency, 409 no_decision)."""
    check_can_withdraw(actor, case)
    check_decided(case)


def may_withdraw(actor: Actor, case: Case) -> bool:
    """Whether withdraw_publication would accept the actor's request on this case now."""
    try:
        check_withdrawable(actor, case)
    except (Forbidden, Conflict):
        return False
    return True


def withdraw_publication(case_id: int, *, actor: Actor, received_on: date, document: str, reason: str) -> Task:
    """Check who asks, lock the case and open the withdrawal (404 unseen case, 403, 409 no_decision). Caller commits."""
    check_can_withdraw(actor, get_case(case_id, actor=actor))
    case = lock_case(case_id)
    assert case is not None  # get_case found it
    return open_withdrawal(case, actor=actor, received_on=received_on, document=document, reason=reason)


def open_withdrawal(case: Case, *, actor: Actor, received_on: date, document: str, reason: str) -> Task:
    """Record the revoking/changing decision and start the withdrawal clock. Caller holds the case lock.

    The period is time_limits["withdrawal_working_days"] as the case's process set it (the script task
    设定时限 and the agency profile's time_limits; 3 working days if neither says).
    409 withdrawal_open while an earlier withdrawal is not done; 422 for a receipt date in the future
    or before the decision.
    """
    check_decided(case)
    assert case.decision is not None  # check_decided refused a case without one
    check_day_between(received_on, case.decision.decided_on, field="received_on", what="收到日期",
                      earliest_what="原决定日期")
    if db.session.scalar(select(Task.id).where(Task.case_id == case.id, Task.kind == WITHDRAWAL_KIND,
                                                Task.status == OPEN).limit(1)) is not None:
        raise Conflict("本案已有尚未办结的撤回公示信息事项", code="withdrawal_open")
    limits = load_run(case)[0].latest_value("time_limits") or {}
    working_days = int(limits.get("withdrawal_working_days", DEFAULT_WITHDRAWAL_WORKING_DAYS))
    task = Task(id=str(uuid.uuid4()), case_id=case.id, agency_id=case.agency_id, name="withdraw_publication",
                title="撤回已公示的决定信息", kind=WITHDRAWAL_KIND, lane="handling_unit", role=Role.HANDLER,
                form_key="withdraw_publication.schema.json", round=case.round, status=OPEN, engine_task=False,
                assignee_id=case.handler_id)
    db.session.add(task)
    deadline = Deadline(case_id=case.id, agency_id=case.agency_id, kind=WITHDRAWAL_KIND, round=case.round,
                        task_id=task.id, unit=WORKING, period_days=working_days, start_on=received_on,
                        reminder_days=1, status=RUNNING, extension_days=0, extension_limit=0, days_used=0,
                        supplement_mode="RESTART")
    db.session.add(deadline)
    db.session.flush()
    task.deadline_id = deadline.id
    recompute_due(deadline)
    record_event(case, actor=actor, action="deadline.withdrawal_opened", task_id=task.id,
                 data={"received_on": received_on, "document": document, "reason": reason,
                       "due_on": deadline.due_on, "problem": deadline.problem})
    return task


def withdrawn(case: Case, task: Task, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """The effect of completing the withdrawal task (registered by deadlines.init_app)."""
    deadline = db.session.get(Deadline, task.deadline_id)
    assert deadline is not None  # the withdrawal task was opened with its deadline
    return {"deadline": close_deadline(deadline)}

