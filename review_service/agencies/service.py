"""Register and edit agencies (by hand or from CSV) within an administrator's reach."""
from typing import cast

from marshmallow import ValidationError
from sqlalchemy import select

from ..accounts.roles import Actor, Role
from ..csvimport import check_all, first_errors, read_rows
from ..errors import Forbidden, InvalidInput, NotFound
from ..extensions import db
from .models import Agency
from .schemas import CSV_COLUMNS, AgencyCreateSchema
from .tree import descendant_ids, within_reach

SETTINGS = ("sector", "advisors_count_toward_ratio", "grandfather_pre_2021_reviewers", "acceptance_from_queue")


def check_admin(actor: Actor, agency_id: int | None) -> None:
    """Administrators manage their own agency and those below it."""
    if not actor.has_role(Role.ADMIN):
        raise Forbidden("需要系统管理员角色", code="admin_required")
    if not within_reach(actor, agency_id):
        raise Forbidden("只能管理本机关及下级机关", code="outside_reach")


def agency_by_code(code: str) -> Agency:
    agency = db.session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise NotFound("机关不存在", code="agency_not_found")
    return agency


def readable_agency_ids(actor: Actor) -> list[int]:
    """The actor's agency; administrators and supervisors also every agency below it."""
    if actor.has_role(Role.ADMIN) or actor.has_role(Role.SUPERVISOR):
        return descendant_ids(actor.agency_id)
    return [actor.agency_id]


def list_agencies(*, actor: Actor) -> list[Agency]:
    """The agencies the actor may read (readable_agency_ids), by code."""
    ids = readable_agency_ids(actor)
    return list(db.session.scalars(select(Agency).where(Agency.id.in_(ids)).order_by(Agency.code)))


def get_agency(code: str, *, actor: Actor) -> Agency:
    """The agency if it is in the actor's list (readable_agency_ids); 404 agency_not_found otherwise."""
    agency = agency_by_code(code)
    if agency.id not in readable_agency_ids(actor):
        raise NotFound("机关不存在", code="agency_not_found")
    return agency


def create_agency(*, actor: Actor, data: dict) -> Agency:
    """Register an agency below one the actor administers. Caller commits."""
    parent = _parent(data.get("parent_code"))
    check_admin(actor, parent.id if parent else None)
    if db.session.scalar(select(Agency.id).where(Agency.code == data["code"])) is not None:
        raise InvalidInput("机关代码已存在", code="agency_code_taken", fields={"code": ["机关代码已存在"]})
    return _add_agency(data, parent)


def _add_agency(data: dict, parent: Agency | None) -> Agency:
    agency = Agency(code=data["code"], name=data["name"], level=data["level"], parent=parent,
                    **{key: data[key] for key in SETTINGS if key in data})
    db.session.add(agency)
    db.session.flush()
    return agency


def update_agency(agency: Agency, *, actor: Actor, data: dict) -> Agency:
    check_admin(actor, agency.id)
    if "parent_code" in data:
        parent = _parent(data["parent_code"])
        if parent is not None and parent.id in descendant_ids(agency.id):
            raise InvalidInput("上级机关不能是本机关或其下级", fields={"parent_code": ["会形成循环"]})
        check_admin(actor, parent.id if parent else None)
        agency.parent = parent
    for key in ("name", "level", *SETTINGS):
        if key in data:
            setattr(agency, key, data[key])
    db.session.flush()
    return agency


def _parent(code: str | None) -> Agency | None:
    if not code:
        return None
    parent = db.session.scalar(select(Agency).where(Agency.code == code))
    if parent is None:
        raise InvalidInput("上级机关不存在", fields={"parent_code": ["上级机关不存在"]})
    return parent


def import_agencies(content: bytes, *, actor: Actor) -> list[Agency]:
    """Create agencies from CSV rows; a parent is an existing agency or one on an earlier row. All or nothing."""
    rows = read_rows(content, required=("code", "name", "level"), known=CSV_COLUMNS)
    schema, known = AgencyCreateSchema(), set(db.session.scalars(select(Agency.code)))
    seen: set[str] = set()
    parsed: list[dict] = []

    def check(_row_number: int, values: dict) -> dict[str, str]:
        try:
            data = schema.load(values)
        except ValidationError as exc:
            return first_errors(cast(dict, exc.messages))  # a schema's errors: by field
        if data["code"] in known or data["code"] in seen:
            return {"code": "机关代码已存在"}
        parent_code = data.get("parent_code")
        if parent_code and parent_code not in known and parent_code not in seen:
            return {"parent_code": "上级机关不存在（须已登记或在前面的行中）"}
        parent = db.session.scalar(select(Agency).where(Agency.code == parent_code)) if parent_code in known else None
        if (parent_code is None or parent is not None) and not within_reach(actor, parent.id if parent else None):
            return {"parent_code": "只能在本机关及下级机关下登记"}
        seen.add(data["code"])
        parsed.append(data)
        return {}

    if not actor.has_role(Role.ADMIN):
        raise Forbidden("需要系统管理员角色", code="admin_required")
    check_all(rows, check)
    return [_add_agency(data, _parent(data.get("parent_code"))) for data in parsed]
