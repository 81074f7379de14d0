"""What completing each kind of task does to the case, beyond moving the process on.

Task kinds are BPMN properties (taskKind), so an agency's own diagram keeps these guarantees.
"""
from datetime import date

from ..accounts.roles import Actor
from ..attachments.service import bind_attachments
from ..china_time import check_day_between, local_date
from ..errors import Conflict
from ..extensions import db
from ..persistence import insert_rows
from .escalation import check_discussion_held, check_referral, discussion_held, record_escalation
from .facts import apply_updated_facts
from .models import Decision, Material, Opinion


def check_preconditions(case, kind: str):
    """Guards the service enforces whatever the diagram says: a passed review, and the 集体讨论 the profile requires.

    For a decision, returns the 集体讨论 task of the passed round (None if none was held).
    """
    if kind == "decision":
        if not case.review_passed:
            raise Conflict("法制审核未通过，不得作出决定（行政处罚法第五十八条）", code="review_not_passed")
        return check_discussion_held(case)
    return None


def apply_effects(case, kind: str, *, actor: Actor, data: dict, task, checked=None) -> dict:
    """Record the domain rows a completed task produces; return extra facts for the history event.

    checked: what check_preconditions returned for this completion (a decision's 集体讨论 task), so the
    guard's queries are not run twice.
    """
    if kind == "decision":
        return _decided(case, task, actor, data, discussion=checked)
    handler = _EFFECTS.get(kind)
    if handler is None:
        return {}
    return handler(case, task, actor, data) or {}


def register_effect(kind: str, function) -> None:
    """The effect of completing a task of this kind, for packages that open tasks of their own (deadlines:
    extension approval, withdrawal); called from their `init_app`."""
    _EFFECTS[kind] = function


def add_materials(case, items: list[dict], *, actor: Actor, field: str = "materials") -> list[Material]:
    added = []
    for index, item in enumerate(items):
        material = Material(case_id=case.id, name=item["name"], category=item["category"], round=case.round,
                            submitted_by_id=actor.id)
        db.session.add(material)
        db.session.flush()
        bind_attachments(item.get("attachment_ids", []), case=case, material=material,
                         field=f"{field}.{index}.attachment_ids")
        added.append(material)
    return added


def _insert_row(model, **values) -> None:
    """An opinion or a decision, INSERTed at once: nothing in the request reads it back as an object."""
    insert_rows(model, [values])


def _accepted(case, _task, actor: Actor, data):
    case.reviewer_id = case.reviewer_id or actor.id
    return {"result": data["result"]}


def _supplied(case, _task, actor: Actor, data):
    materials = add_materials(case, data["materials"], actor=actor)
    return {"material_ids": [m.id for m in materials]}


def _opinion_issued(case, _task, actor: Actor, data):
    case.reviewer_id = actor.id
    _insert_row(Opinion, case_id=case.id, round=case.round, kind="review", opinion=data["opinion"],
                text=data["opinion_text"], suggestions=data.get("suggestions", []), checklist=data["checklist"],
                transfer_target=data.get("transfer_target"), reasons=data.get("transfer_reasons"),
                reviewer_id=actor.id)
    case.opinion_round = case.round
    if data["opinion"] == "approve":
        case.passed_round = case.round
    return {"opinion": data["opinion"]}


def _corrected(case, _task, actor: Actor, data):
    if data.get("action", "correct") != "correct":
        return {"action": data["action"]}
    changes = apply_updated_facts(case, data.get("updated", {}))
    materials = add_materials(case, data.get("materials", []), actor=actor)
    return {"action": "correct", "changes": changes, "material_ids": [m.id for m in materials]}


def _coordinated(case, _task, actor: Actor, data):
    if data["outcome"] == "revise_to_approve":
        _insert_row(Opinion, case_id=case.id, round=case.round, kind="revision", opinion="approve",
                    text=data["revision_reasons"], reasons=data["minutes"], reviewer_id=actor.id)
        case.opinion_round = case.passed_round = case.round
    if data["outcome"] == "escalate":
        return {"outcome": "escalate", **record_escalation(case, actor=actor)}
    return {"outcome": data["outcome"]}


def _decided(case, task, actor: Actor, data, *, discussion):
    minutes = data.get("collective_discussion_minutes") or (discussion.data["minutes"] if discussion else None)
    _insert_row(Decision, case_id=case.id, text=data["decision_text"],
                decided_on=_decision_date(data["decided_on"], task), document_number=data.get("document_number"),
                collective_discussion_held=bool(data.get("collective_discussion_held") or discussion),
                collective_discussion_minutes=minutes, passed_round=case.passed_round, decided_by_id=actor.id)
    return {"passed_round": case.passed_round, "collective_discussion_task_id": discussion.id if discussion else None}


def _decision_date(value: str, task) -> date:
    """The decision date lies between the day the decision step opened (the review had passed) and today."""
    return check_day_between(date.fromisoformat(value), local_date(task.created_at), field="decided_on",
                             what="决定日期", earliest_what="法制审核通过、可以作出决定之日")


_EFFECTS = {
    "acceptance": _accepted, "supplement": _supplied, "review_opinion": _opinion_issued,
    "response": _corrected, "correction": _corrected, "coordination": _coordinated,
    "referral": check_referral, "collective_discussion": discussion_held,
}
