"""Send notifications to users and find who must be told (supervisors, the review unit's head)."""
from collections.abc import Iterable

from sqlalchemy import func, insert, literal, select

from ..accounts.models import User, UserRole
from ..accounts.roles import Role
from ..agencies.tree import ancestor_ids
from ..db_types import UTCDateTime, utcnow
from ..errors import NotFound
from ..extensions import db
from ..persistence import insert_rows
from .models import Notification


def notify(user_ids: Iterable[int], *, kind: str, message: str, case_id: int | None = None,
           data: dict | None = None) -> list[Notification]:
    """Add one notification per distinct user in the caller's transaction."""
    rows = [Notification(user_id=user_id, case_id=case_id, kind=kind, message=message, data=data or {})
            for user_id in sorted(set(user_ids))]
    db.session.add_all(rows)
    return rows


def notify_now(user_ids: Iterable[int], *, kind: str, message: str, case_id: int | None = None,
               data: dict | None = None) -> None:
    """notify(), INSERTed at once in one statement for callers that never use the rows (the hot path of a
    task completion: its closing flush then has no new row to write)."""
    insert_rows(Notification, [{"user_id": user_id, "case_id": case_id, "kind": kind, "message": message,
                                "data": data or {}, "created_at": utcnow()} for user_id in sorted(set(user_ids))])


def notify_role(agency_id: int, role: str, *, kind: str, message: str, case_id: int | None = None,
                data: dict | None = None) -> None:
    """One notification for every active holder of `role` in the agency: one INSERT ... SELECT, no query
    first and no autoflush (the hot path of a task completion uses it)."""
    values = select(User.id, literal(case_id), literal(kind), literal(message), literal(data or {}, db.JSON),
                    literal(utcnow(), UTCDateTime)).join(UserRole, UserRole.user_id == User.id).where(
        User.agency_id == agency_id, UserRole.role == role, User.is_active.is_(True))
    columns = ["user_id", "case_id", "kind", "message", "data", "created_at"]
    db.session.connection().execute(insert(Notification).from_select(columns, values))


def users_with_role(agency_ids: Iterable[int], role: str) -> list[int]:
    """Active users holding `role` in any of these agencies."""
    query = (select(User.id).join(UserRole, UserRole.user_id == User.id)
             .where(User.agency_id.in_(list(agency_ids)), UserRole.role == role, User.is_active.is_(True)))
    return list(db.session.scalars(query))


def supervisors_of(agency_id: int) -> list[int]:
    """Supervisors of this agency or of any agency above it."""
    return users_with_role(ancestor_ids(agency_id), Role.SUPERVISOR)


def list_notifications(user_id: int, *, unread_only: bool = False, limit: int = 100) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return list(db.session.scalars(query.order_by(Notification.id.desc()).limit(limit)))


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def mark_read(notification_id: int, *, user_id: int) -> Notification:
    row = db.session.get(Notification, notification_id)
    if row is None or row.user_id != user_id:
        raise NotFound("通知不存在", code="notification_not_found")
    row.read_at = row.read_at or utcnow()
    return row
