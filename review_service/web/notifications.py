"""站内通知: the user's reminders, overdue alerts and extension answers, newest first."""
from flask import redirect, render_template, request, url_for
from flask_login import current_user

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
