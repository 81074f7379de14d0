"""GET /api/v1/notifications, POST /api/v1/notifications/{id}/read: the caller's own notifications."""
from flask_smorest import Blueprint

from ..accounts.auth import current_actor, require_actor
from .schemas import NotificationListSchema, NotificationQuerySchema, NotificationSchema
from .service import list_notifications, mark_read, unread_count

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications", description="站内通知")
blp.before_request(require_actor)


@blp.route("", methods=["GET"])
@blp.arguments(NotificationQuerySchema, location="query")
@blp.response(200, NotificationListSchema)
def index(query):
    """The caller's newest notifications and how many are unread."""
    actor = current_actor()
    return {"items": list_notifications(actor.id, unread_only=query["unread"]), "unread": unread_count(actor.id)}


@blp.route("/<int:notification_id>/read", methods=["POST"])
@blp.response(200, NotificationSchema)
def read(notification_id):
    """Mark one of the caller's notifications read."""
    row = mark_read(notification_id, user_id=current_actor().id)
    return row

