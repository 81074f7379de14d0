"""站内通知: the user's notices, newest first; 通知设置: which of them also come by e-mail; 邮件服务器: the
agency's SMTP server (admins), with a test mail the worker sends."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..accounts.roles import Role
from ..errors import ServiceError
from ..mail.settings import mail_server_of, preferences_of, queue_test_mail, save_mail_server, save_preferences
from ..notifications.kinds import NOTICE_KINDS
from ..notifications.service import list_notifications, mark_read
from .pages import page_blueprint
from .session import roles_required

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


def _refusal_messages(refusal: ServiceError) -> list[str]:
    return [message for field in refusal.fields.values() for message in field] or [refusal.message]


def _server_form() -> dict:
    form = request.form
    port = form.get("port", "").strip()
    return {"host": form.get("host", "").strip(), "port": int(port) if port.isdigit() else 0,
            "sender": form.get("sender", "").strip(), "starttls": form.get("starttls") == "1",
            "username": form.get("username", "").strip() or None,
            "password_env": form.get("password_env", "").strip() or None}


@bp.route("/mail-server", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def mail_server():
    """邮件服务器: the agency's SMTP server, as PUT /api/v1/notifications/mail-server."""
    if request.method == "GET":
        return _mail_server_page(mail_server_of(actor=current_user))
    chosen = _server_form()
    errors = [_("Fill in the server, the port (1-65535) and the sender address.")] \
        if not (chosen["host"] and 0 < chosen["port"] < 65536 and "@" in chosen["sender"]) else []
    if not errors:
        try:
            save_mail_server(actor=current_user, **chosen)
        except ServiceError as refusal:
            errors = _refusal_messages(refusal)
    if errors:
        return _mail_server_page(chosen, errors=errors), 422
    flash(_("The mail server has been saved."), "success")
    return redirect(url_for("web_notifications.mail_server"))


@bp.route("/mail-server/test", methods=["POST"])
@roles_required(Role.ADMIN)
def test_mail():
    """Queue a test mail to the address typed; the worker sends it (failures show as the job's incident)."""
    to = request.form.get("to", "")
    try:
        queue_test_mail(actor=current_user, to=to)
    except ServiceError as refusal:
        return _mail_server_page(mail_server_of(actor=current_user), errors=_refusal_messages(refusal), to=to), 422
    flash(_("A test mail to %(to)s is queued; the worker sends it within a minute.", to=to.strip()), "success")
    return redirect(url_for("web_notifications.mail_server"))


def _mail_server_page(server, errors=None, to: str = ""):
    values = server if isinstance(server, dict) or server is None else {
        "host": server.host, "port": server.port, "sender": server.sender, "starttls": server.starttls,
        "username": server.username, "password_env": server.password_env}
    to = to or preferences_of(current_user.id)["email"] or ""
    saved = server is not None and not isinstance(server, dict)
    return render_template("web/mail_server.html", server=values, saved=saved, errors=errors or [], to=to)
