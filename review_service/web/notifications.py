"""站内通知: the user's notices, newest first; 通知设置: which of them also come by e-mail."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..errors import ServiceError
from ..mail.settings import preferences_of, save_preferences
from ..notifications.kinds import NOTICE_KINDS
from ..notifications.service import list_notifications, mark_read
from .pages import page_blueprint

bp = page_blueprint("web_notifications", __name__, url_prefix="/notifications")


@bp.route("")
def index():
    unread_only = request.args.get("unread") == "1"
    return render_template("web/notifications.html", unread_only=unread_only,
                           items=list_notifications(current_user.id, unread_only=unread_only))


@bp.route("/<int:notification_id>/read", methods=["POST"])
def read(notification_id):
    row = mark_read(notification_id, user_id=current_user.id)
    if row.case_id and request.form.get("open") == "case":
        return redirect(url_for("web_cases.show", case_id=row.case_id))
    return redirect(url_for("web_notifications.index"))


NOTICE_LABELS = {
    "task.assigned": _l("A task was assigned to me"), "task.handed_over": _l("A task was handed over to me"),
    "opinion.returned": _l("The review opinion is back"), "materials.requested": _l("Materials are requested"),
    "case.resubmitted": _l("A corrected case was resubmitted"), "dispute.raised": _l("A dispute waits for me"),
    "decision.waiting": _l("A decision waits for me"), "case.commented": _l("A case I work on has a new comment"),
    "deadline.reminder": _l("A time limit ends tomorrow"), "deadline.overdue": _l("A time limit has passed"),
    "deadline.capped": _l("A review period was cut to the statutory limit"),
    "extension.requested": _l("An extension request waits for me"),
    "extension.approved": _l("My extension request was approved"),
    "extension.rejected": _l("My extension request was refused"),
    "case.escalated": _l("A dispute was referred for coordination"),
    "assignment.no_eligible_reviewer": _l("No eligible reviewer for a case"),
}


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """通知设置: the user's e-mail address and which notices also come by mail."""
    if request.method == "GET":
        return _settings_page(preferences_of(current_user.id))
    chosen = {"email": request.form.get("email", ""), "mail_kinds": request.form.getlist("mail_kinds")}
    try:
        save_preferences(actor=current_user, **chosen)
    except ServiceError as refusal:
        messages = [message for field in refusal.fields.values() for message in field] or [refusal.message]
        return _settings_page(chosen, errors=messages), 422
    flash(_("Your notification settings have been saved."), "success")
    return redirect(url_for("web_notifications.settings"))


def _settings_page(chosen: dict, errors=None):
    kinds = [(kind, NOTICE_LABELS.get(kind, kind)) for kind in NOTICE_KINDS]
    return render_template("web/notification_settings.html", chosen=chosen, kinds=kinds, errors=errors or [])
