"""Staffing report, reassign, hand back, unclaim, hand over, recusals and eligible reviewers (all under /api/v1)."""
from flask import jsonify
from flask_smorest import Blueprint

from ..accounts.auth import current_actor, require_actor
from ..agencies.service import agency_by_code
from ..tasks.schemas import TaskSchema
from ..tasks.service import shown
from .handover import hand_over_task, unclaim_task
from .report import staffing_report
from .schemas import (
    EligibleReviewersSchema,
    HandBackSchema,
    HandOverSchema,
    ReassignSchema,
    RecusalRequestSchema,
    RecusalSchema,
    StaffingQuerySchema,
    StaffingRollupSchema,
    StaffingSchema,
    dump_staffing_rows,
)
from .service import declare_recusal, eligible_reviewers, hand_back_task, reassign_task

blp = Blueprint("staffing", __name__, url_prefix="/api/v1", description="人员配备（5% 规则）与审核任务分配")
blp.before_request(require_actor)


@blp.route("/agencies/<code>/staffing", methods=["GET"])
@blp.arguments(StaffingQuerySchema, location="query")
@blp.response(200, StaffingSchema, description="One agency; with rollup=true the body is a StaffingRollup "
                                               "(agency_code, on, agencies: [Staffing], total)")
@blp.alt_response(403, description="report_forbidden")
def staffing(query, code):
    """Reviewers against ceil(5% × enforcement staff) on a date; a shortfall is a warning, not a block."""
    report = staffing_report(agency_by_code(code), actor=current_actor(), on=query.get("on"), rollup=query["rollup"])
    if not query["rollup"]:
        return report
    body = StaffingRollupSchema(exclude=("agencies",)).dump(report)
    return jsonify({**body, "agencies": dump_staffing_rows(report["agencies"])})


@blp.route("/tasks/<task_id>/reassign", methods=["POST"])
@blp.arguments(ReassignSchema)
@blp.response(200, TaskSchema)
@blp.alt_response(403, description="review_head_required")
@blp.alt_response(422, description="reviewer_not_eligible: error.fields.assignee gives the reasons")
def reassign(payload, task_id):
    """The review unit's head gives a review task to another eligible reviewer or a pooled advisor."""
    task = shown(reassign_task(task_id, actor=current_actor(), username=payload["assignee"]))
    return task


@blp.route("/tasks/<task_id>/hand-back", methods=["POST"])
@blp.arguments(HandBackSchema)
@blp.response(200, TaskSchema)
@blp.alt_response(403, description="not_assignee")
def hand_back(payload, task_id):
    """The assigned reviewer returns a review task; it goes to the next eligible reviewer (or is flagged)."""
    task = shown(hand_back_task(task_id, actor=current_actor(), reason=payload["reason"]))
    return task


@blp.route("/tasks/<task_id>/unclaim", methods=["POST"])
@blp.response(200, TaskSchema)
@blp.alt_response(403, description="not_assignee")
@blp.alt_response(409, description="handler_task_not_queued: a handler's step belongs to the case's handler")
def unclaim(task_id):
    """The holder puts the task back into its role's shared queue."""
    task = shown(unclaim_task(task_id, actor=current_actor()))
    return task


@blp.route("/tasks/<task_id>/hand-over", methods=["POST"])
@blp.arguments(HandOverSchema)
@blp.response(200, TaskSchema)
@blp.alt_response(403, description="not_assignee")
@blp.alt_response(422, description="assignee_not_eligible / reviewer_not_eligible: error.fields.assignee says why")
def hand_over(payload, task_id):
    """The holder gives the task to a colleague who may work it (same role and agency; for a review task an
    eligible reviewer: four-eyes and 回避 apply), with a reason; the colleague is notified."""
    task = shown(hand_over_task(task_id, actor=current_actor(), username=payload["assignee"], reason=payload["reason"]))
    return task


@blp.route("/cases/<int:case_id>/recusals", methods=["POST"])
@blp.arguments(RecusalRequestSchema)
@blp.response(201, RecusalSchema)
@blp.alt_response(409, description="already_recused")
def recuse(payload, case_id):
    """回避: the calling reviewer declares a conflict of interest; any review task they held is reassigned."""
    recusal = declare_recusal(case_id, actor=current_actor(), reason=payload["reason"])
    return recusal


@blp.route("/cases/<int:case_id>/eligible-reviewers", methods=["GET"])
@blp.response(200, EligibleReviewersSchema)
def eligible(case_id):
    """Reviewers and pooled advisors of the case's agency, each eligible or with the reasons why not."""
    return eligible_reviewers(case_id, actor=current_actor())
