"""GET/PUT /api/v1/notifications/settings: the caller's address and mail choices; GET .../kinds;
GET/PUT/DELETE /api/v1/notifications/mail-server: the caller's agency's SMTP server (admin)."""
from flask_smorest import Blueprint

from ..accounts.auth import current_actor, require_actor
from ..errors import NotFound
from ..notifications.kinds import NOTICE_KINDS
from .schemas import MailServerSchema, NoticeKindListSchema, PreferencesSchema
from .settings import mail_server_of, preferences_of, remove_mail_server, save_mail_server, save_preferences

blp = Blueprint("notice_mail", __name__, url_prefix="/api/v1/notifications", description="通知邮件设置")
blp.before_request(require_actor)


@blp.route("/settings", methods=["GET"])
@blp.response(200, PreferencesSchema)
def settings():
    """The caller's e-mail address and the notice kinds that also come by mail."""
    return preferences_of(current_actor().id)


@blp.route("/settings", methods=["PUT"])
@blp.arguments(PreferencesSchema)
@blp.response(200, PreferencesSchema)
def save_settings(payload):
    """Set the caller's address (null: no mail) and mail_kinds (see GET /api/v1/notifications/kinds)."""
    return save_preferences(actor=current_actor(), **payload)


@blp.route("/kinds", methods=["GET"])
@blp.response(200, NoticeKindListSchema)
def kinds():
    """Every notice kind and its Chinese name."""
    return {"items": [{"kind": kind, "name": name} for kind, name in NOTICE_KINDS.items()]}


@blp.route("/mail-server", methods=["GET"])
@blp.response(200, MailServerSchema)
def mail_server():
    """The caller's agency's SMTP server (admin); 404 when none is set."""
    row = mail_server_of(actor=current_actor())
    if row is None:
        raise NotFound("本机关未设置邮件服务器", code="mail_server_not_found")
    return row


@blp.route("/mail-server", methods=["PUT"])
@blp.arguments(MailServerSchema)
@blp.response(200, MailServerSchema)
def save_mail_server_view(payload):
    """Set the caller's agency's SMTP server (admin); the password is read from password_env by the worker."""
    return save_mail_server(actor=current_actor(), **payload)


@blp.route("/mail-server", methods=["DELETE"])
@blp.response(204)
def remove_mail_server_view():
    """No more mail from this agency's own server (an agency above it may still have one)."""
    remove_mail_server(actor=current_actor())
