"""案件: the case list, the submission form (送审) and the case page with diagram, opinions, deadlines, history."""
from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import EXCLUDE

from ..accounts.roles import Role
from ..archives.service import list_packages
from ..audit.service import verify_case_history
from ..cases.comments import COMMENTED, add_comment
from ..cases.forms import form_schema
from ..cases.history import readable_history
from ..cases.rounds import case_rounds
from ..cases.service import case_for_display, open_tasks_of, submit_case
from ..casework.case_schemas import CaseQuerySchema, DiagramSchema
from ..casework.diagram import case_diagram_with_steps
from ..casework.search import list_choices, search_cases
from ..deadlines.models import DeadlineStatus
from ..deadlines.service import working_days_left
from ..deadlines.withdrawals import may_withdraw
from ..documents.service import list_case_documents
from ..errors import ServiceError
from ..unit_of_work import discard
from . import labels
from .forms import form_page_errors, posted_json, posted_json_or_none
from .i18n import date_time, long_date
from .pages import page_blueprint
from .session import roles_required

bp = page_blueprint("web_cases", __name__, url_prefix="/cases")
LIST_PARAMETERS = CaseQuerySchema(unknown=EXCLUDE)
DIAGRAM = DiagramSchema()


def _list_query() -> tuple[dict, dict]:
    """The list's query from the address (empty fields ignored), and the fields refused (left out)."""
    given = {key: value for key, value in request.args.items() if value.strip()}
    errors = LIST_PARAMETERS.validate(given)
    return LIST_PARAMETERS.load({k: v for k, v in given.items() if k not in errors}), errors


@bp.route("")
def index():
    query, errors = _list_query()
    result = search_cases(actor=current_user, **query)
    args = {key: value for key, value in request.args.items() if value.strip() and key not in errors}
    args.pop("page", None)
    return render_template("web/cases.html", result=result, query=query, args=args, errors=errors,
                           choices=list_choices(actor=current_user))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.HANDLER)
def new():
    schema = form_schema("case_submission")
    if request.method == "GET":
        return render_template("web/case_new.html", schema=schema, data=None, errors=None)
    try:
        data = posted_json()
        case = submit_case(actor=current_user, data=data)
    except ServiceError as refusal:
        discard()
        if refusal.status not in (409, 422):
            raise
        return render_template("web/case_new.html", schema=schema, data=posted_json_or_none(),
                               errors=form_page_errors(refusal)), refusal.status
    if case.review_required:
        flash(_("Case submitted for legal review."), "success")
    else:
        flash(_("No legal review is required for this decision; see the reasons on the case page."), "success")
    return redirect(url_for("web_cases.show", case_id=case.id))


@bp.route("/<int:case_id>")
def show(case_id):
    case = case_for_display(case_id, actor=current_user)
    events, broken_at = verify_case_history(case)
    tasks = open_tasks_of(case)
    deadlines = sorted(case.deadlines, key=lambda d: (d.round, d.id))
    return render_template("web/case.html", case=case, tasks=tasks, history=readable_history(case.id, events),
                           rounds=case_rounds(case), chain_broken_at=broken_at, deadlines=deadlines,
                           comments=[event for event in events if event.action == COMMENTED],
                           may_withdraw=may_withdraw(current_user, case), documents=list_case_documents(case),
                           archive=list_packages(case.id, actor=current_user),
                           days_left={d.id: working_days_left(d) for d in deadlines
                                      if d.status == DeadlineStatus.RUNNING})


@bp.route("/<int:case_id>/comments", methods=["POST"])
def comment(case_id):
    """评论: into the case history; the people working on the case are notified."""
    try:
        add_comment(case_id, actor=current_user, text=request.form.get("text", ""))
    except ServiceError as refusal:
        discard()
        if refusal.status != 422:
            raise
        flash(_("Write a comment of at most 2000 characters."), "error")
    else:
        flash(_("Comment added."), "success")
    return redirect(url_for("web_cases.show", case_id=case_id, _anchor="comments"))


@bp.route("/<int:case_id>/diagram.json")
def diagram(case_id):
    """The case's BPMN, its current task ids and its steps (as GET /api/v1/cases/<id>/diagram) for the bpmn-js
    viewer on the case page, each visit also with its times and role in the page's language."""
    body = DIAGRAM.dump(case_diagram_with_steps(case_id, actor=current_user))
    for step in body["steps"]:
        for visit in step["visits"]:
            visit["texts"] = {"opened": date_time(_instant(visit["opened_at"])),
                              "completed": date_time(_instant(visit["completed_at"])),
                              "due": long_date(visit["due_on"]), "role": labels.name(labels.ROLE, visit["role"]),
                              "status": labels.name(labels.TASK_STATUS, visit["status"])}
    return body


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
