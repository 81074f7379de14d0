"""Where a failed coordination goes and the 集体讨论 after a passed review, as the case's profile says.

escalation_target (profile.json) picks the branch the process takes after "协调不成" (the BPMN
gateway gw_escalation_target reads it); this module records where the dispute went, tells the people
who must act, checks a referral's dates, and refuses a decision that skips a required discussion.
"""
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select

from ..accounts.roles import Actor, Role
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..notifications.service import notify, supervisors_of, users_with_role
from ..persistence import built_once
from ..processes.profiles import case_needs_collective_discussion, escalation_target, profile_of_case
from .models import COMPLETED, Task

TARGET_TITLES = {"agency_head": "机关负责人", "collective_discussion": "集体讨论",
                 "higher_agency": "上级行政机关", "justice_department": "司法行政部门"}
DISCUSSION_KIND = "collective_discussion"


def record_escalation(case, *, actor: Actor) -> dict:
    """Facts for the history event of an escalation, and notifications to whoever must act on it."""
    target = escalation_target(profile_of_case(case.id))
    facts: dict[str, Any] = {"escalated_to": target, "escalated_to_title": TARGET_TITLES[target]}
    heads = users_with_role([case.agency_id], Role.HEAD)
    message = f"{case.case_number}《{case.title}》协调不成，已按本机关规定提请{TARGET_TITLES[target]}处理"
    if target == "higher_agency":
        parent = case.agency.parent
        facts["referred_to"] = parent.name if parent is not None else None
        if parent is not None:  # the higher agency's leaders and legal unit learn a dispute is coming
            above = [parent.id]
            leaders = users_with_role(above, Role.HEAD) + users_with_role(above, Role.REVIEW_HEAD)
            notify(leaders + supervisors_of(parent.id), kind="case.referred_to_higher_agency", case_id=case.id,
                   message=f"{case.agency.name}{case.case_number}《{case.title}》法制审核意见协调不成，提请本机关协调处理")
    notify(heads, kind="case.escalated", message=message, case_id=case.id, data={"escalated_to": target})
    return facts


def check_referral(case, task, actor: Actor, data: dict) -> dict:
    """A referral's reply cannot come before the referral; the history keeps who was asked and what they said."""
    referred_on, replied_on = date.fromisoformat(data["referred_on"]), date.fromisoformat(data["reply_received_on"])
    if replied_on < referred_on:
        raise InvalidInput("收到答复日期不能早于提请日期", fields={"reply_received_on": ["不能早于提请日期"]})
    return {"referred_to": data["referred_to"], "outcome": data["outcome"]}


def discussion_of_passed_round(case) -> Task | None:
    """The completed 集体讨论 task of the round whose review passed, if any."""
    if case.passed_round is None:
        return None
    return db.session.scalar(_discussion_statement(), {"case_id": case.id, "round": case.passed_round})


@built_once
def _discussion_statement():
    return (select(Task).where(Task.case_id == bindparam("case_id"), Task.kind == DISCUSSION_KIND,
                               Task.status == COMPLETED, Task.round == bindparam("round"))
            .order_by(Task.completed_at.desc()).limit(1))


def check_discussion_held(case) -> Task | None:
    """Refuse the decision when the profile requires a 集体讨论 after the review and none was recorded."""
    discussion = discussion_of_passed_round(case)
    if discussion is None and case_needs_collective_discussion(case.id):
        raise Conflict("本机关规定法制审核通过后须经集体讨论，尚未记录集体讨论，不得作出决定",
                       code="collective_discussion_required")
    return discussion


def discussion_held(case, task, actor: Actor, data: dict) -> dict:
    return {"discussed_on": data["discussed_on"], "participants": len(data["participants"])}
