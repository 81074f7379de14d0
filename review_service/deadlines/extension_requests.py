"""延期: the reviewer asks for one extension of a running deadline; the approver the profile names decides.

profile.json `extension_approver`: deputy_head (分管负责人, the default; GD Art. 18), head (机关负责人;
LN) or review_head (法制审核机构负责人). The request opens a task in that role's inbox of the case's
agency; completing it (approve or reject) is an ordinary task completion, validated against
forms/approve_extension.schema.json. The approver is read from the version the case runs on.
"""
from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..accounts.roles import Actor, Role
from ..audit.service import record_event
from ..cases.models import OPEN, Task
from ..db_types import utcnow
from ..errors import Conflict
from ..extensions import db
from ..notifications.service import notify, users_with_role
from ..processes.profiles import extension_approver, profile_of_case
from ..tasks.permissions import check_can_work
from ..tasks.service import lock_open_task
from .models import OPEN_STATUSES, RUNNING, Deadline, ExtensionRequest, ExtensionStatus
from .service import KIND_TITLES, recompute_due

if TYPE_CHECKING:
    from ..cases.models import Case

APPROVAL_KIND = "extension_approval"
APPROVER_TITLES: dict[str, str] = {Role.DEPUTY_HEAD: "分管负责人", Role.HEAD: "机关负责人",
                                   Role.REVIEW_HEAD: "法制审核机构负责人"}


def request_deadline_extension(task_id: str, *, actor: Actor, reason: str) -> ExtensionRequest:
    """延期: lock the task's case, check the actor may work the task, and open the approver's task."""
    task, case = lock_open_task(task_id, actor)
    check_can_work(actor, task)
    return request_extension(task, case, actor=actor, reason=reason)


def request_extension(task: Task, case: Case, *, actor: Actor, reason: str) -> ExtensionRequest:
    """Open the approval task. The caller has locked the case and checked the actor may work `task`."""
    deadline = db.session.get(Deadline, task.deadline_id) if task.deadline_id else None
    if deadline is None or deadline.status != RUNNING:
        raise Conflict("该任务没有正在计算的期限", code="no_running_deadline")
    if deadline.extension_limit <= 0:
        raise Conflict("本流程未设置延期", code="extension_not_allowed")
    earlier = select(ExtensionRequest.id).where(ExtensionRequest.deadline_id == deadline.id,
                                                ExtensionRequest.status != ExtensionStatus.REJECTED)
    if db.session.scalar(earlier) is not None:
        raise Conflict("本期限已申请过延期（只能延期一次）", code="extension_already_requested")
    approver = extension_approver(profile_of_case(case.id))
    approval = Task(id=str(uuid.uuid4()), case_id=case.id, agency_id=case.agency_id, name="approve_extension",
                    title=f"审批延期申请（{APPROVER_TITLES[approver]}）", kind=APPROVAL_KIND, lane=approver,
                    role=approver,
                    form_key="approve_extension.schema.json", round=case.round, status=OPEN, engine_task=False,
                    deadline_id=deadline.id)
    request = ExtensionRequest(deadline_id=deadline.id, case_id=case.id, approval_task_id=approval.id,
                               working_days=deadline.extension_limit, reason=reason, requested_by_id=actor.id)
    db.session.add_all([approval, request])
    notify(users_with_role([case.agency_id], approver), kind="extension.requested",
           message=f"{case.case_number}《{case.title}》申请{KIND_TITLES.get(deadline.kind, '')}延期"
                   f"{deadline.extension_limit}个工作日，待审批", case_id=case.id)
    record_event(case, actor=actor, action="deadline.extension_requested", task_id=task.id,
                 data={"kind": deadline.kind, "working_days": deadline.extension_limit, "reason": reason,
                       "approval_task_id": approval.id, "approver_role": approver})
    return request


def decide_extension(case: Case, task: Task, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """The effect of completing an extension approval task (registered by deadlines.init_app)."""
    request = db.session.scalar(select(ExtensionRequest).where(ExtensionRequest.approval_task_id == task.id))
    assert request is not None  # the approval task was opened with its request
    deadline = db.session.get(Deadline, request.deadline_id)
    assert deadline is not None
    approved = data["decision"] == "approve"
    request.status = ExtensionStatus.APPROVED if approved else ExtensionStatus.REJECTED
    request.decided_by_id, request.decided_at, request.decision_note = actor.id, utcnow(), data.get("note")
    old_due = deadline.due_on
    if approved and deadline.status in OPEN_STATUSES:
        deadline.extension_days += request.working_days
        recompute_due(deadline)
    notify([request.requested_by_id], kind=f"extension.{request.status}",
           message=f"{case.case_number}的延期申请已{'批准' if approved else '驳回'}", case_id=case.id)
    return {"extension": request.status, "working_days": request.working_days, "old_due_on": old_due,
            "due_on": deadline.due_on}

