"""Account management (账号管理) within an administrator's reach, and the log of every change.

An administrator (role `admin`) manages the accounts of their agency and of the agencies below it;
any other account or agency is answered as not found. The command-line operator reaches every agency.
A new or reset account gets a one-time password, returned once and never stored in clear; its holder
must change it before anything else. Deactivation and a reset end every session and token at once.
Services add and flush; the caller's unit of work commits.
"""
import re

from sqlalchemy import select

from ..accounts.models import User, UserRole
from ..accounts.passwords import check_password, one_time_password
from ..accounts.roles import Actor, Role
from ..accounts.service import check_roles, create_user, password_matches, revoke_tokens, set_password
from ..agencies.models import Agency
from ..agencies.tree import descendant_ids, within_reach
from ..db_types import utcnow
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..extensions import db
from .models import AccountEvent

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
USERNAME_RULE = "用户名只能包含字母、数字、点、下划线和连字符，以字母或数字开头，最长 64 个字符"
CREATED, ROLES_SET, PASSWORD_RESET = "user.created", "user.roles_set", "user.password_reset"
PASSWORD_CHANGED, DEACTIVATED, REACTIVATED = "user.password_changed", "user.deactivated", "user.reactivated"
STAFF_LINKED, STAFF_UNLINKED, IMPORTED = "staff.linked", "staff.unlinked", "user.imported"


def record_account_event(user: User, *, actor: Actor, action: str, data: dict | None = None) -> AccountEvent:
    """Append one change of `user` to the account log (actor None: the account holder or the system)."""
    event = AccountEvent(actor_id=getattr(actor, "id", None), actor_name=actor.full_name if actor else "系统",
                         user_id=user.id, agency_id=user.agency_id, action=action, data=data or {})
    db.session.add(event)
    return event


def check_account_admin(actor: Actor) -> None:
    if not actor.has_role(Role.ADMIN):
        raise Forbidden("需要系统管理员角色", code="admin_required")


def agency_in_reach(code: str, *, actor: Actor) -> Agency:
    """The agency with this code if the administrator reaches it; 404 agency_not_found otherwise."""
    check_account_admin(actor)
    agency = db.session.scalar(select(Agency).where(Agency.code == code))
    if agency is None or not within_reach(actor, agency.id):
        raise NotFound("机关不存在", code="agency_not_found")
    return agency


def get_account(user_id: int, *, actor: Actor) -> User:
    """The account if the administrator reaches its agency; 404 user_not_found otherwise (also for others)."""
    check_account_admin(actor)
    user = db.session.get(User, user_id)
    if user is None or not within_reach(actor, user.agency_id):
        raise NotFound("账号不存在", code="user_not_found")
    return user


def account_by_username(username: str, *, actor: Actor) -> User:
    user_id = db.session.scalar(select(User.id).where(User.username == username))
    if user_id is None:
        check_account_admin(actor)
        raise NotFound("账号不存在", code="user_not_found")
    return get_account(user_id, actor=actor)


def _reach_ids(actor: Actor) -> list[int] | None:
    """Agency ids the actor reaches (None: every agency, for the command-line operator)."""
    return None if getattr(actor, "is_operator", False) else descendant_ids(actor.agency_id)


def list_accounts(*, actor: Actor, agency: Agency | None = None, include_inactive: bool = True) -> list[User]:
    """Accounts of the agency (or of every agency in reach), by agency then username."""
    check_account_admin(actor)
    query = select(User).join(Agency, Agency.id == User.agency_id).order_by(Agency.code, User.username)
    reach = [agency.id] if agency is not None else _reach_ids(actor)
    if reach is not None:
        query = query.where(User.agency_id.in_(reach))
    if not include_inactive:
        query = query.where(User.is_active.is_(True))
    return list(db.session.scalars(query))


def create_account(agency: Agency, *, actor: Actor, username: str, full_name: str,
                   roles: list[str]) -> tuple[User, str]:
    """A new account at the agency with a generated one-time password; returns both."""
    check_account_admin(actor)
    if not within_reach(actor, agency.id):
        raise NotFound("机关不存在", code="agency_not_found")
    if not USERNAME.match(username):
        raise InvalidInput(USERNAME_RULE, code="invalid_username", fields={"username": [USERNAME_RULE]})
    if not full_name.strip() or len(full_name) > 100:
        raise InvalidInput("姓名不能为空，最长 100 个字符", fields={"full_name": ["姓名不能为空，最长 100 个字符"]})
    secret = one_time_password(username)
    user = create_user(agency_id=agency.id, username=username, full_name=full_name, password=secret,
                       roles=roles, must_change_password=True)
    record_account_event(user, actor=actor, action=CREATED, data={"username": username, "full_name": full_name,
                                                                  "roles": sorted(set(roles))})
    return user, secret


def set_roles(user: User, *, actor: Actor, roles: list[str]) -> User:
    """Replace the account's roles; an administrator cannot take the admin role from themselves."""
    check_account_admin(actor)
    roles = check_roles(roles)
    if user.id == getattr(actor, "id", None) and Role.ADMIN not in roles:
        raise Conflict("不能取消自己的管理员角色", code="cannot_demote_self")
    before = sorted(user.roles)
    if before == roles:
        return user
    user.role_rows[:] = [row for row in user.role_rows if row.role in roles]
    user.role_rows.extend(UserRole(role=role) for role in roles if role not in before)
    db.session.flush()
    record_account_event(user, actor=actor, action=ROLES_SET, data={"before": before, "roles": roles})
    return user


def reset_password(user: User, *, actor: Actor) -> str:
    """Give the account a new one-time password (returned once) and end its sessions and tokens."""
    check_account_admin(actor)
    _check_active(user)
    secret = one_time_password(user.username)
    set_password(user, secret, one_time=True)
    ended = revoke_tokens(user.id)
    record_account_event(user, actor=actor, action=PASSWORD_RESET, data={"sessions_ended": ended})
    return secret


def deactivate_account(user: User, *, actor: Actor) -> User:
    """The account can no longer log in; every session and token ends now. The record stays."""
    check_account_admin(actor)
    if user.id == getattr(actor, "id", None):
        raise Conflict("不能停用自己的账号", code="cannot_deactivate_self")
    _check_active(user)
    user.is_active = False
    user.deactivated_at = utcnow()
    ended = revoke_tokens(user.id)
    record_account_event(user, actor=actor, action=DEACTIVATED, data={"sessions_ended": ended})
    return user


def reactivate_account(user: User, *, actor: Actor) -> str:
    """Let a deactivated account log in again, with a new one-time password (returned once)."""
    check_account_admin(actor)
    if user.is_active:
        raise Conflict("该账号未停用", code="not_deactivated")
    user.is_active, user.deactivated_at = True, None
    secret = one_time_password(user.username)
    set_password(user, secret, one_time=True)
    record_account_event(user, actor=actor, action=REACTIVATED)
    return secret


def _check_active(user: User) -> None:
    if not user.is_active:
        raise Conflict("该账号已停用", code="already_deactivated")


def change_own_password(user: User, *, current: str, new: str, keep_token: str | None = None) -> None:
    """The holder replaces their password (the one-time one too); other sessions end, `keep_token` stays."""
    if not password_matches(user, current):
        raise InvalidInput("当前密码不正确", code="wrong_password", fields={"current_password": ["当前密码不正确"]})
    if new == current:
        raise InvalidInput("新密码不能与当前密码相同", code="weak_password",
                           fields={"new_password": ["新密码不能与当前密码相同"]})
    check_password(new, username=user.username, field="new_password")
    was_one_time = user.must_change_password
    set_password(user, new, one_time=False)
    ended = revoke_tokens(user.id, keep_digest_of=keep_token)
    record_account_event(user, actor=user, action=PASSWORD_CHANGED,
                         data={"one_time_replaced": was_one_time, "sessions_ended": ended})


def account_events(*, actor: Actor, user: User | None = None, limit: int = 200) -> list[AccountEvent]:
    """The newest changes of the accounts in reach (or of one account), newest first."""
    check_account_admin(actor)
    query = select(AccountEvent).order_by(AccountEvent.id.desc()).limit(limit)
    if user is not None:
        query = query.where(AccountEvent.user_id == user.id)
    else:
        reach = _reach_ids(actor)
        if reach is not None:
            query = query.where(AccountEvent.agency_id.in_(reach))
    return list(db.session.scalars(query))
