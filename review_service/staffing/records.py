"""Staff records: register, edit and deactivate people (never delete: reports for past dates must stay true)."""
from datetime import date
from typing import cast

from marshmallow import ValidationError
from sqlalchemy import select

from ..accounts.models import User
from ..accounts.roles import Actor, Role
from ..agencies.service import check_admin
from ..agencies.tree import within_reach
from ..china_time import today_in_china as today
from ..csvimport import check_all, first_errors, read_rows
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..extensions import db
from .models import ENFORCEMENT_OFFICER, StaffMember
from .schemas import CSV_COLUMNS, StaffCreateSchema

FIELDS = ("name", "enforcement_certificate_no", "legal_qualification_no", "first_reviewed_on", "valid_from",
          "valid_until", "note")


def may_read_staff(actor: Actor, agency_id: int) -> bool:
    """Staff records of an agency: its administrators and supervisors, and those of agencies above it."""
    return (actor.has_role(Role.ADMIN) or actor.has_role(Role.SUPERVISOR)) and within_reach(actor, agency_id)


def get_staff(staff_id: int, *, actor: Actor) -> StaffMember:
    """The record if the actor may read its agency's staff list; 404 staff_not_found otherwise."""
    staff = db.session.get(StaffMember, staff_id)
    if staff is None or not may_read_staff(actor, staff.agency_id):
        raise NotFound("人员不存在", code="staff_not_found")
    return staff


def list_staff(agency, *, actor: Actor, on: date | None = None, kind: str | None = None) -> list[StaffMember]:
    """Staff of the agency (administrators and supervisors of it or above), optionally only those active on `on`."""
    if not may_read_staff(actor, agency.id):
        raise Forbidden("只有本机关或上级机关的管理员、监督人员可以查看人员", code="admin_required")
    query = select(StaffMember).where(StaffMember.agency_id == agency.id)
    if on is not None:
        query = query.where(StaffMember.active_on_clause(on))
    if kind is not None:
        query = query.where(StaffMember.kind == kind)
    return list(db.session.scalars(query.order_by(StaffMember.kind, StaffMember.id)))


def create_staff(agency, *, actor: Actor, data: dict) -> StaffMember:
    """Register one person at the agency. Caller commits."""
    check_admin(actor, agency.id)
    user_id = _linked_user(agency, data.get("username"))
    staff = StaffMember(agency_id=agency.id, agency=agency, kind=data["kind"], user_id=user_id,
                        **{key: data.get(key) for key in FIELDS})
    db.session.add(staff)
    db.session.flush()
    return staff


def update_staff(staff: StaffMember, *, actor: Actor, data: dict) -> StaffMember:
    check_admin(actor, staff.agency_id)
    if "username" in data:
        staff.user_id = _linked_user(staff.agency, data["username"])
    for key in FIELDS:
        if key in data:
            setattr(staff, key, data[key])
    if staff.valid_until is not None and staff.valid_until < staff.valid_from:
        raise InvalidInput("有效期止不能早于有效期起", fields={"valid_until": ["早于有效期起"]})
    db.session.flush()
    return staff


def deactivate_staff(staff: StaffMember, *, actor: Actor, on: date | None = None) -> StaffMember:
    """From `on` (default today) the person no longer counts or reviews; the record stays."""
    check_admin(actor, staff.agency_id)
    if staff.deactivated_on is not None:
        raise Conflict("该人员已停用", code="already_deactivated")
    on = on or today()
    if on < staff.valid_from:
        raise InvalidInput("停用日期不能早于有效期起", fields={"on": ["早于有效期起"]})
    staff.deactivated_on = on
    db.session.flush()
    return staff


def _linked_user(agency, username: str | None) -> int | None:
    if not username:
        return None
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or user.agency_id != agency.id:
        raise InvalidInput("账号不存在或不属于该机关", fields={"username": ["账号不存在或不属于该机关"]})
    return user.id


def import_staff(agency, content: bytes, *, actor: Actor) -> list[StaffMember]:
    """Register staff from CSV rows; every row is checked first, and one bad row stores nothing."""
    check_admin(actor, agency.id)
    rows = read_rows(content, required=("kind", "name", "valid_from"), known=CSV_COLUMNS)
    users = dict(db.session.execute(select(User.username, User.id).where(User.agency_id == agency.id)).all())
    certificates = set(db.session.scalars(select(StaffMember.enforcement_certificate_no).where(
        StaffMember.agency_id == agency.id, StaffMember.kind == ENFORCEMENT_OFFICER,
        StaffMember.deactivated_on.is_(None))))
    schema, parsed = StaffCreateSchema(), []

    def check(_row_number: int, values: dict) -> dict[str, str]:
        try:
            data = schema.load({column: value for column, value in values.items() if column != "roles"})
        except ValidationError as exc:
            return first_errors(cast(dict, exc.messages))  # a schema's errors: by field
        if data.get("username") and data["username"] not in users:
            return {"username": "账号不存在或不属于该机关"}
        number = data.get("enforcement_certificate_no")
        if data["kind"] == ENFORCEMENT_OFFICER and number in certificates:
            return {"enforcement_certificate_no": "执法证号重复"}
        if data["kind"] == ENFORCEMENT_OFFICER:
            certificates.add(number)
        parsed.append(data)
        return {}

    check_all(rows, check)
    staff = [StaffMember(agency_id=agency.id, kind=data["kind"], user_id=users.get(data.get("username")),
                         **{key: data.get(key) for key in FIELDS}) for data in parsed]
    db.session.add_all(staff)
    db.session.flush()
    return staff


