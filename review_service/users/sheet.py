"""Accounts from the staff sheet (the CSV/XLSX of `import-staff`), and linking staff records to accounts.

Every row with a `username` becomes an account of the agency with a one-time password; rows without
one are staff who need no login and are skipped. Roles come from the optional `roles` column (codes or
Chinese titles, separated by commas, 、 or spaces), else from `kind` (执法人员 -> handler, the reviewing
kinds -> reviewer). Every row is checked first; one bad row stores nothing and every problem is listed.
An existing staff record of the agency with the row's name and numbers and no account is linked to it.
"""
import re

from sqlalchemy import select

from ..accounts.models import User
from ..accounts.passwords import one_time_password
from ..accounts.roles import ROLE_TITLES, ROLES, Actor, Role
from ..accounts.service import create_user
from ..csvimport import check_all, read_rows
from ..errors import InvalidInput, NotFound
from ..extensions import db
from ..staffing.models import ENFORCEMENT_OFFICER, KIND_TITLES, StaffMember
from ..staffing.schemas import CSV_COLUMNS
from .service import (
    IMPORTED,
    STAFF_LINKED,
    STAFF_UNLINKED,
    USERNAME,
    USERNAME_RULE,
    check_account_admin,
    record_account_event,
)

ROLE_CODES: dict[str, str] = {**{role: role for role in ROLES}, **{title: role for role, title in ROLE_TITLES.items()}}
KIND_CODES = {**{kind: kind for kind in KIND_TITLES}, **{title: kind for kind, title in KIND_TITLES.items()}}
MATCHED_NUMBERS = ("enforcement_certificate_no", "legal_qualification_no")


def roles_from_cell(cell: str | None, kind: str | None) -> tuple[list[str], str | None]:
    """(roles, problem): the roles named in the cell, or the default of the staff kind."""
    if not cell:
        if kind is None:
            return [], "请填写 roles（角色）或 kind（人员类别）"
        return ([Role.HANDLER] if kind == ENFORCEMENT_OFFICER else [Role.REVIEWER]), None
    names = [name for name in re.split(r"[,，、;；\s]+", cell) if name]
    unknown = [name for name in names if name not in ROLE_CODES]
    if unknown:
        return [], f"未知角色: {', '.join(unknown)}"
    return sorted({ROLE_CODES[name] for name in names}), None


def import_accounts(agency, content: bytes, *, actor: Actor) -> list[tuple[User, str]]:
    """Create the sheet's accounts at the agency (in reach); returns (account, one-time password) pairs."""
    check_account_admin(actor)
    rows = read_rows(content, required=("name", "username"), known=CSV_COLUMNS)
    taken = set(db.session.scalars(select(User.username)))
    planned: list[dict] = []

    def check(_row_number: int, values: dict) -> dict[str, str]:
        username = values.get("username")
        if username is None:
            return {}
        problems = {}
        if not USERNAME.match(username):
            problems["username"] = USERNAME_RULE
        elif username in taken:
            problems["username"] = "用户名已存在（或在表中重复）"
        if not values.get("name") or len(values["name"]) > 100:
            problems["name"] = "姓名不能为空，最长 100 个字符"
        kind = KIND_CODES.get(values.get("kind", ""))
        if values.get("kind") and kind is None:
            problems["kind"] = f"未知人员类别: {values['kind']}"
        roles, problem = roles_from_cell(values.get("roles"), kind)
        if problem:
            problems["roles"] = problem
        taken.add(username)
        if not problems:
            planned.append({"values": values, "kind": kind, "roles": roles})
        return problems

    check_all(rows, check)
    if not planned:
        raise InvalidInput("表中没有填写 username 的行，未创建任何账号", code="import_failed",
                           fields={"username": ["没有填写 username 的行"]})
    return [_create(agency, plan, actor) for plan in planned]


def _create(agency, plan: dict, actor: Actor) -> tuple[User, str]:
    values = plan["values"]
    secret = one_time_password(values["username"])
    user = create_user(agency_id=agency.id, username=values["username"], full_name=values["name"], password=secret,
                       roles=plan["roles"], must_change_password=True)
    record_account_event(user, actor=actor, action=IMPORTED,
                         data={"username": user.username, "full_name": user.full_name, "roles": plan["roles"]})
    staff = _matching_staff(agency.id, values, plan["kind"])
    if staff is not None:
        staff.user_id = user.id
        record_account_event(user, actor=actor, action=STAFF_LINKED, data=_staff_data(staff))
    return user, secret


def _matching_staff(agency_id: int, values: dict, kind: str | None) -> StaffMember | None:
    """The one unlinked staff record of the agency with this name (and kind and numbers, when given)."""
    query = select(StaffMember).where(StaffMember.agency_id == agency_id, StaffMember.user_id.is_(None),
                                      StaffMember.name == values["name"], StaffMember.deactivated_on.is_(None))
    if kind:
        query = query.where(StaffMember.kind == kind)
    for column in MATCHED_NUMBERS:
        if values.get(column):
            query = query.where(getattr(StaffMember, column) == values[column])
    found = list(db.session.scalars(query.limit(2)))
    return found[0] if len(found) == 1 else None


def _staff_data(staff: StaffMember) -> dict:
    return {"staff_id": staff.id, "kind": staff.kind, "name": staff.name,
            "enforcement_certificate_no": staff.enforcement_certificate_no,
            "legal_qualification_no": staff.legal_qualification_no}


def staff_of_agency(user: User) -> list[StaffMember]:
    """The staff records of the account's agency: linked to it first, then those linked to nobody."""
    rows = db.session.scalars(select(StaffMember).where(
        StaffMember.agency_id == user.agency_id,
        (StaffMember.user_id == user.id) | StaffMember.user_id.is_(None)).order_by(StaffMember.kind, StaffMember.name))
    return sorted(rows, key=lambda staff: staff.user_id != user.id)


def link_staff(user: User, staff_id: int, *, actor: Actor, link: bool = True) -> StaffMember:
    """Link a staff record (执法证, 法律职业资格) of the account's agency to the account, or unlink it."""
    check_account_admin(actor)
    staff = db.session.get(StaffMember, staff_id)
    if staff is None or staff.agency_id != user.agency_id or (staff.user_id not in (None, user.id)):
        raise NotFound("人员记录不存在、不属于该账号的机关或已关联其他账号", code="staff_not_found")
    if link and staff.user_id != user.id:
        staff.user_id = user.id
        record_account_event(user, actor=actor, action=STAFF_LINKED, data=_staff_data(staff))
    elif not link and staff.user_id == user.id:
        staff.user_id = None
        record_account_event(user, actor=actor, action=STAFF_UNLINKED, data=_staff_data(staff))
    db.session.flush()
    return staff
