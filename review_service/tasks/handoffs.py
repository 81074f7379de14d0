"""Notices for hand-offs (站内通知): whoever a newly opened task waits for is told, in the mirror's transaction.

kind by task kind: the handler hears the opinion is back (response) or materials are wanted (supplement);
the reviewer hears a corrected case is back (a review task after the first round); the heads hear a dispute
(settlement, referral) or a decision (decision, collective_discussion) waits; a coordination task tells its
reviewer a dispute was raised. The notices of one task are INSERTed at once in one statement; a task for any
head of the agency is one INSERT ... SELECT of its heads.
"""
from ..accounts.roles import Role
from ..cases.models import Task
from ..notifications.service import notify_now, notify_role

HANDLER_NOTICES = {"response": ("opinion.returned", "审核意见已返回，请处理"),
                   "supplement": ("materials.requested", "法制审核机构要求补充材料")}
HEAD_NOTICES = {"settlement": ("dispute.raised", "承办机构与法制审核机构意见不一致，待您裁决"),
                "referral": ("dispute.raised", "争议需提请协调，待您处理"),
                "decision": ("decision.waiting", "法制审核已完成，待您作出执法决定"),
                "collective_discussion": ("decision.waiting", "审核通过，待集体讨论")}
RESUBMITTED = ("case.resubmitted", "承办机构已整改并重新送审，请审核")
DISPUTE_TO_REVIEWER = ("dispute.raised", "承办机构对审核意见有异议，请协调")


def announce_new_tasks(case, created: list[Task]) -> None:
    """Tell the people each new task waits for (see the module doc); no notice for an unknown kind."""
    for task in created:
        recipients, (kind, text) = _recipients(case, task)
        message, data = f"案件“{case.title}”：{text}（{task.title}）", {"task_id": task.id, "task": task.name}
        if recipients == "heads":
            notify_role(case.agency_id, Role.HEAD, kind=kind, message=message, case_id=case.id, data=data)
        elif isinstance(recipients, list) and recipients:
            notify_now(recipients, kind=kind, message=message, case_id=case.id, data=data)


def _recipients(case, task: Task) -> tuple[list[int] | str, tuple[str, str]]:
    """Who (user ids, or "heads": every head of the case's agency) and (notice kind, text)."""
    if task.kind in HANDLER_NOTICES and task.assignee_id:
        return [task.assignee_id], HANDLER_NOTICES[task.kind]
    if task.kind in HEAD_NOTICES:
        return [task.assignee_id] if task.assignee_id else "heads", HEAD_NOTICES[task.kind]
    if task.kind == "review_opinion" and task.round > 1 and task.assignee_id:
        return [task.assignee_id], RESUBMITTED
    if task.kind == "coordination" and task.assignee_id:
        return [task.assignee_id], DISPUTE_TO_REVIEWER
    return [], ("", "")
