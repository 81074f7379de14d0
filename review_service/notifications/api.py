"""GET /api/v1/notifications, POST /api/v1/notifications/{id}/read: the caller's own notifications."""
from flask_smorest import Blueprint
from sqlalchemy import func, select

from ..accounts.auth import current_actor, require_actor
from ..extensions import db
from .models import Notification
from .schemas import NotificationListSchema, NotificationQuerySchema, NotificationSchema
from .service import list_notifications, mark_read

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications", description="站内通知")
blp.before_request(require_actor)


@blp.route("", methods=["GET"])
@blp.arguments(NotificationQuerySchema, location="query")
@blp.response(200, NotificationListSchema)
def index(query):
    """The caller's newest notifications and how many are unread."""
    actor = current_actor()
    unread = db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None)))
    return {"items": list_notifications(actor.id, unread_only=query["unread"]), "unread": unread}


@blp.route("/<int:notification_id>/read", methods=["POST"])
@blp.response(200, NotificationSchema)
def read(notification_id):
    """Mark one of the caller's notifications read."""
    row = mark_read(notification_id, user_id=current_actor().id)
    db.session.commit()
    return row
