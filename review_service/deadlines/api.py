"""Deadline lists for supervisors, extension requests and withdrawals."""
from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import Select, select

from ..accounts.auth import current_actor, require_actor
from ..accounts.roles import Actor, Role
from ..cases.models import Task
from ..cases.service import visible_agency_ids
from ..china_time import today_in_china
from ..errors import Forbidden
from ..extensions import db
from ..tasks.schemas import TaskSchema
from ..tasks.service import shown
from . import withdrawals
from .extension_requests import request_deadline_extension
from .models import RUNNING, Deadline, ExtensionRequest
from .schemas import (
    DeadlineListSchema,
    ExtensionRequestSchema,
    ExtensionResultSchema,
    UpcomingQuerySchema,
    WithdrawalRequestSchema,
)
from .service import working_days_left

blp = Blueprint("deadlines", __name__, url_prefix="/api/v1", description="期限")
blp.before_request(require_actor)

WATCHING_ROLES = (Role.SUPERVISOR, Role.HEAD, Role.DEPUTY_HEAD, Role.REVIEW_HEAD, Role.ADMIN)


def _watched_deadlines(actor: Actor) -> Select[Deadline]:
    if not any(actor.has_role(role) for role in WATCHING_ROLES):
        raise Forbidden("需要监督人员或负责人角色", code="role_required")
    return (select(Deadline).where(Deadline.agency_id.in_(visible_agency_ids(actor)), Deadline.status == RUNNING)
            .order_by(Deadline.due_on, Deadline.id))


@blp.route("/deadlines/overdue", methods=["GET"])
@blp.response(200, DeadlineListSchema)
def overdue() -> dict[str, Any]:
    """Running deadlines that are past due, in the caller's agencies (supervisors: and those below)."""
    query = _watched_deadlines(current_actor()).where(Deadline.due_on < today_in_china())
    return {"items": list(db.session.scalars(query))}


@blp.route("/deadlines/upcoming", methods=["GET"])
@blp.arguments(UpcomingQuerySchema, location="query")
@blp.response(200, DeadlineListSchema)
def upcoming(query_args: dict[str, Any]) -> dict[str, Any]:
    """Running deadlines due from today within the given number of working days."""
    query = _watched_deadlines(current_actor()).where(Deadline.due_on >= today_in_china())
    within = query_args["within_working_days"]
    items = [d for d in db.session.scalars(query) if (left := working_days_left(d)) is not None and left <= within]
    return {"items": items}


@blp.route("/tasks/<task_id>/extension-request", methods=["POST"])
@blp.arguments(ExtensionRequestSchema)
@blp.response(201, ExtensionResultSchema)
def ask_for_extension(payload: dict[str, Any], task_id: str) -> ExtensionRequest:
    """Ask the deputy head for the one extension the process allows for this task's deadline."""
    request = request_deadline_extension(task_id, actor=current_actor(), reason=payload["reason"])
    return request


@blp.route("/cases/<int:case_id>/withdrawals", methods=["POST"])
@blp.arguments(WithdrawalRequestSchema)
@blp.response(201, TaskSchema)
def withdraw_publication(payload: dict[str, Any], case_id: int) -> Task:
    """A changing or revoking decision was received: open the withdrawal task and its deadline."""
    task = shown(withdrawals.withdraw_publication(case_id, actor=current_actor(), **payload))
    return task
