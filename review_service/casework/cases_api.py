"""POST/GET /api/v1/cases, GET /api/v1/cases/{id}, .../history, GET/POST .../comments, POST .../decision."""
from flask import request
from flask_smorest import Blueprint

from ..accounts.auth import current_actor, require_actor
from ..audit.service import verify_case_history
from ..cases.comments import add_comment, list_comments
from ..cases.service import case_for_display, decision_task_for, get_case, submit_case
from ..errors import InvalidInput
from ..tasks.schemas import CompletedTaskSchema
from ..tasks.service import complete_task
from .case_schemas import (
    CaseListSchema,
    CaseQuerySchema,
    CaseSchema,
    CommentListSchema,
    CommentRequestSchema,
    CommentSchema,
    DecisionRequestSchema,
    DiagramSchema,
    HistorySchema,
)
from .diagram import case_diagram_with_steps
from .search import search_cases

blp = Blueprint("cases", __name__, url_prefix="/api/v1/cases", description="送审案件")
blp.before_request(require_actor)


def json_object_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("请求体必须是 JSON 对象", code="invalid_json", fields={"_body": ["必须是 JSON 对象"]})
    return body


@blp.route("", methods=["POST"])
@blp.doc(requestBody={"required": True, "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/case_submission"}}}})
@blp.response(201, CaseSchema)
@blp.alt_response(409, description="Duplicate case number in the agency")
@blp.alt_response(422, description="Submission invalid; error.fields names each failing field")
def create():
    """送审: submit a case file. The answer says whether review is required, and why."""
    case = submit_case(actor=current_actor(), data=json_object_body())
    return case


@blp.route("", methods=["GET"])
@blp.arguments(CaseQuerySchema, location="query")
@blp.response(200, CaseListSchema)
def index(query):
    """Cases of the caller's agency (supervisors: and the agencies below it): search, filters, sort, paging.

    Each item names its current steps and earliest running due date; `total` counts every matching case, up to
    1,000 with a search text `q`: above that, `total` is 1,000 and `total_is_lower_bound` true ("more than").
    """
    result = search_cases(actor=current_actor(), **query)
    return {"items": result.items, "total": result.total, "total_is_lower_bound": result.total_is_lower_bound,
            "page": result.page, "page_size": result.page_size}


@blp.route("/<int:case_id>", methods=["GET"])
@blp.response(200, CaseSchema)
def show(case_id):
    """Status, round, open tasks, every round's opinion and the decision."""
    return case_for_display(case_id, actor=current_actor())


@blp.route("/<int:case_id>/history", methods=["GET"])
@blp.response(200, HistorySchema)
def history(case_id):
    """Every action on the case, oldest first, with the hash chain checked against the case's stored head."""
    case = get_case(case_id, actor=current_actor())
    events, broken = verify_case_history(case)
    return {"case_id": case.id, "chain_intact": broken is None, "broken_at_seq": broken, "events": events}


@blp.route("/<int:case_id>/diagram", methods=["GET"])
@blp.response(200, DiagramSchema)
def diagram(case_id):
    """The BPMN XML of the case's process version and the BPMN ids of its open tasks (for bpmn-js)."""
    return case_diagram_with_steps(case_id, actor=current_actor())


@blp.route("/<int:case_id>/decision", methods=["POST"])
@blp.arguments(DecisionRequestSchema)
@blp.response(200, CompletedTaskSchema)
@blp.alt_response(409, description="review_not_passed: no decision without a passed review")
def decide(payload, case_id):
    """Record the head's decision; refused unless the current round's review has passed."""
    actor = current_actor()
    task = decision_task_for(case_id, actor=actor)
    task = complete_task(task.id, actor=actor, data=payload["data"])
    return task


@blp.route("/<int:case_id>/comments", methods=["GET"])
@blp.response(200, CommentListSchema)
def comments(case_id):
    """The case's comments, oldest first (they are also in its history)."""
    return {"items": list_comments(case_id, actor=current_actor())}


@blp.route("/<int:case_id>/comments", methods=["POST"])
@blp.arguments(CommentRequestSchema)
@blp.response(201, CommentSchema)
def comment(payload, case_id):
    """Comment on a case: into its history, and a notice to the handler, reviewer and open tasks' holders."""
    event = add_comment(case_id, actor=current_actor(), text=payload["text"])
    return {"seq": event.seq, "text": event.data["text"], "occurred_at": event.occurred_at, "author": event.actor_name}
