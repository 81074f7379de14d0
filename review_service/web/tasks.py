"""任务办理: a task's form page (JSON-Schema form, or the review checklist page), drafts, claiming (what was
typed is kept as the claimer's draft), unclaiming, handing over, extension requests, and attachment
upload/download for the forms."""
from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..attachments.service import attachment_path, get_attachment, store_upload
from ..cases.forms import form_schema
from ..cases.models import OPEN
from ..cases.rounds import dispute_exchange, previous_exchange
from ..deadlines.extension_requests import request_deadline_extension
from ..deadlines.service import working_days_left
from ..documents.service import opinion_answered_by
from ..errors import InvalidInput, ServiceError, error_body
from ..headers import as_attachment
from ..processes.vocabulary import labelled_form_schema
from ..staffing.handover import hand_over_task, unclaim_task
from ..tasks.drafts import discard_drafts, draft_of, save_draft
from ..tasks.prefill import prefilled_data
from ..tasks.service import claim_task, complete_task, get_task
from ..unit_of_work import discard
from . import checklist
from .forms import form_page_errors, posted_json, posted_json_or_none
from .labels import CASE_STATUS, name
from .pages import page_blueprint

bp = page_blueprint("web_tasks", __name__)
REFUSALS_SHOWN_ON_THE_FORM = (409, 422)


def _posted_data(task) -> dict:
    return checklist.parse(request.form) if checklist.applies(task) else posted_json()


def _render(task, *, data=None, errors=None, status=200):
    schema = labelled_form_schema(task, form_schema(task.form_key))
    draft = draft_of(task.id, actor=current_user) if task.status == OPEN else None
    if data is None and draft is not None:
        data = draft.data
    elif data is None and task.status == OPEN:
        data = prefilled_data(task.case, schema)
    template = "web/task_checklist.html" if checklist.applies(task) else "web/task.html"
    return render_template(template, task=task, case=task.case, schema=schema, data=data, errors=errors,
                           draft=draft, checklist=checklist, days_left=working_days_left(task.deadline),
                           exchange=previous_exchange(task), dispute=dispute_exchange(task),
                           answered_opinion=opinion_answered_by(task)), status


@bp.route("/tasks/<task_id>")
def show(task_id):
    return _render(get_task(task_id, actor=current_user))


@bp.route("/tasks/<task_id>", methods=["POST"])
def complete(task_id):
    task = get_task(task_id, actor=current_user)
    try:
        data = _posted_data(task)
        completed = complete_task(task_id, actor=current_user, data=data)
        discard_drafts(task_id)
    except ServiceError as refusal:
        discard()  # the form is shown again on the task as it was
        if refusal.status not in REFUSALS_SHOWN_ON_THE_FORM:
            raise
        task = get_task(task_id, actor=current_user)
        return _render(task, data=_readable_post(task), errors=form_page_errors(refusal), status=refusal.status)
    flash(_("“%(step)s” is done. The case is now: %(status)s.", step=completed.title,
            status=name(CASE_STATUS, completed.case.status)), "success")
    return redirect(url_for("web_cases.show", case_id=completed.case_id))


@bp.route("/tasks/<task_id>/draft", methods=["POST"])
def draft(task_id):
    task = get_task(task_id, actor=current_user)
    try:
        save_draft(task_id, actor=current_user, data=_posted_data(task))
    except InvalidInput as refusal:
        discard()
        return _render(task, errors=form_page_errors(refusal), status=422)
    flash(_("Draft saved. Only you can see it; finish the step to submit it."), "success")
    return redirect(url_for("web_tasks.show", task_id=task_id))


@bp.route("/tasks/<task_id>/claim", methods=["POST"])
def claim(task_id):
    """Claim the task; the claim button submits the form, so what was typed becomes the claimer's draft."""
    task = claim_task(task_id, actor=current_user)
    typed = _typed_data(task)
    if typed:
        save_draft(task_id, actor=current_user, data=typed)
    flash(_("The task is yours now."), "success")
    return redirect(url_for("web_tasks.show", task_id=task_id))


def _typed_data(task) -> dict | None:
    data = checklist.parse(request.form) if checklist.applies(task) else posted_json_or_none()
    return data if isinstance(data, dict) and data else None


@bp.route("/tasks/<task_id>/unclaim", methods=["POST"])
def unclaim(task_id):
    unclaim_task(task_id, actor=current_user)
    flash(_("The task is back in the shared queue."), "success")
    return redirect(url_for("web_inbox.inbox"))


@bp.route("/tasks/<task_id>/hand-over", methods=["POST"])
def hand_over(task_id):
    try:
        task = hand_over_task(task_id, actor=current_user, username=request.form.get("assignee", ""),
                              reason=request.form.get("reason", ""))
    except InvalidInput as refusal:
        discard()
        messages = [message for field in refusal.fields.values() for message in field] or [refusal.message]
        flash(_("Not handed over: %(why)s", why="；".join(messages)), "error")
        return redirect(url_for("web_tasks.show", task_id=task_id))
    flash(_("Handed over to %(name)s.", name=task.assignee.full_name), "success")
    return redirect(url_for("web_inbox.inbox"))


@bp.route("/tasks/<task_id>/extension", methods=["POST"])
def ask_for_extension(task_id):
    reason = request.form.get("reason", "").strip()
    if not reason:
        flash(_("Give a reason for the extension."), "error")
        return redirect(url_for("web_tasks.show", task_id=task_id))
    request_deadline_extension(task_id, actor=current_user, reason=reason)
    flash(_("Extension requested; the approver has it in their inbox."), "success")
    return redirect(url_for("web_tasks.show", task_id=task_id))


@bp.route("/attachments", methods=["POST"])
def upload_attachment():
    """One file from a form's upload widget; answers JSON for the page script."""
    file = request.files.get("file")
    if file is None:
        return error_body("validation_failed", _("No file was sent."), {"file": [_("required")]}), 422
    try:
        attachment = store_upload(file.stream, file.filename, actor=current_user)
    except ServiceError as refusal:
        discard()
        return error_body(refusal.code, refusal.message, refusal.fields), refusal.status
    return {"id": attachment.id, "filename": attachment.filename, "size": attachment.size}, 201


@bp.route("/attachments/<attachment_id>")
def download_attachment(attachment_id):
    attachment = get_attachment(attachment_id, actor=current_user)
    return as_attachment(send_file(attachment_path(attachment), mimetype=attachment.content_type),
                         attachment.filename)


def _readable_post(task):
    return checklist.parse(request.form) if checklist.applies(task) else posted_json_or_none()
