"""Log in, resolve bearer tokens, create users, set passwords, revoke tokens."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, case, literal, or_, select, update
from sqlalchemy.orm import contains_eager
from werkzeug.security import check_password_hash, generate_password_hash

from ..china_time import CHINA
from ..db_types import UTCDateTime, utcnow
from ..errors import InvalidInput, Unauthorized
from ..extensions import db
from ..persistence import built_once
from .models import ApiToken, User, UserRole
from .passwords import check_password
from .roles import ROLES

# Compared against when the username is unknown, so both paths take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LoginRefused(Unauthorized):
    """A refused login; says how many attempts remain, or until when the account is locked (UTC)."""

    def __init__(self, message: str, *, code: str, attempts_left: int | None = None, locked_until=None):
        super().__init__(message, code=code)
        self.attempts_left = attempts_left
        self.locked_until = locked_until


def _beijing(moment) -> str:
    return f"{moment.astimezone(CHINA):%Y年%m月%d日 %H:%M}（北京时间）"


def _locked(until) -> LoginRefused:
    return LoginRefused(f"登录失败次数过多，账号已锁定至{_beijing(until)}，请届时再试",
                        code="account_locked", locked_until=until)


def _unlocked(now):
    return or_(User.locked_until.is_(None), User.locked_until <= now)


def log_in(username: str, password: str) -> tuple[str, User]:
    """Check the password and issue a bearer token; LOGIN_MAX_FAILURES wrong ones lock the account.

    The failure count changes only in one UPDATE ... RETURNING guarded by "not locked", so concurrent
    guesses are counted exactly: the one that reaches the limit locks, later ones find the lock.
    Raises LoginRefused (code invalid_credentials or account_locked).
    """
    user = db.session.scalar(select(User).where(User.username == username))
    now = utcnow()
    if user is None or not user.is_active:
        check_password_hash(_DUMMY_HASH, password)
        raise LoginRefused("用户名或密码错误", code="invalid_credentials")
    if user.locked_until and user.locked_until > now:
        raise _locked(user.locked_until)
    if not check_password_hash(user.password_hash, password):
        raise _count_failure(user.id, now)
    cleared = db.session.execute(
        update(User).where(User.id == user.id, _unlocked(now)).values(failed_logins=0, locked_until=None)
        .returning(User.id).execution_options(synchronize_session=False)).first()
    if cleared is None:  # a concurrent wrong guess locked it after we read the row
        raise _locked(db.session.scalar(select(User.locked_until).where(User.id == user.id)))
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_token_digest(token),
                            expires_at=now + timedelta(hours=current_app.config["TOKEN_TTL_HOURS"])))
    return token, user


def _count_failure(user_id: int, now) -> LoginRefused:
    """Count one wrong password atomically; the refusal to raise (attempts left, or the new lock)."""
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    until = now + timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
    reaches = User.failed_logins + 1 >= limit
    row = db.session.execute(
        update(User).where(User.id == user_id, _unlocked(now))
        .values(failed_logins=case((reaches, 0), else_=User.failed_logins + 1),
                locked_until=case((reaches, literal(until, UTCDateTime)), else_=None))
        .returning(User.failed_logins, User.locked_until).execution_options(synchronize_session=False)).first()
    if row is None:  # locked by a concurrent guess meanwhile
        return _locked(db.session.scalar(select(User.locked_until).where(User.id == user_id)))
    if row.locked_until is not None:
        refusal = _locked(row.locked_until)
        return LoginRefused(f"用户名或密码错误；{refusal.message}", code="invalid_credentials",
                            attempts_left=0, locked_until=row.locked_until)
    left = limit - row.failed_logins
    return LoginRefused(f"用户名或密码错误，还可尝试{left}次", code="invalid_credentials", attempts_left=left)


@built_once
def _user_of_valid_token():
    """Every API request runs it: built once (on first use, when every mapper is known).

    The token's checks are in the WHERE clause, so no ApiToken object is built; the user comes with its roles,
    joined in the statement itself (contains_eager: the same rows as joinedload, about a fifth less Python).
    """
    return (select(User).join(ApiToken, ApiToken.user_id == User.id)
            .outerjoin(UserRole, UserRole.user_id == User.id)
            .where(ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None),
                   ApiToken.expires_at > bindparam("now"), User.is_active.is_(True))
            .options(contains_eager(User.role_rows)))


def user_for_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None if unknown, expired or revoked."""
    return db.session.execute(_user_of_valid_token(),
                              {"digest": _token_digest(token), "now": utcnow()}).unique().scalar_one_or_none()


def log_out(token: str) -> None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def check_roles(roles: list[str], *, field: str = "roles") -> list[str]:
    """The roles, sorted and unique; InvalidInput (unknown_role) names any unknown one."""
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise InvalidInput(f"未知角色: {', '.join(unknown)}", code="unknown_role",
                           fields={field: [f"未知角色: {r}" for r in unknown]})
    if not roles:
        raise InvalidInput("至少需要一个角色", code="validation_failed", fields={field: ["至少需要一个角色"]})
    return sorted(set(roles))


def create_user(*, agency_id: int, username: str, full_name: str, password: str, roles: list[str],
                must_change_password: bool = False) -> User:
    """A new account; the password must meet the policy (InvalidInput weak_password). The caller commits."""
    roles = check_roles(roles)
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise InvalidInput("用户名已存在", fields={"username": ["用户名已存在"]}, code="username_taken")
    check_password(password, username=username)
    user = User(agency_id=agency_id, username=username, full_name=full_name, password_hash=_hash(password),
                must_change_password=must_change_password, role_rows=[UserRole(role=role) for role in roles])
    db.session.add(user)
    db.session.flush()
    return user


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def set_password(user: User, password: str, *, one_time: bool) -> None:
    """Store a new password (policy checked); a one-time one must be changed at the next login."""
    check_password(password, username=user.username)
    user.password_hash = _hash(password)
    user.must_change_password = one_time
    user.password_changed_at = None if one_time else utcnow()
    user.failed_logins, user.locked_until = 0, None


def password_matches(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def revoke_tokens(user_id: int, *, keep_digest_of: str | None = None) -> int:
    """End every session and API token of the user at once (except the token given); how many ended."""
    statement = (update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                 .values(revoked_at=utcnow()))
    if keep_digest_of:
        statement = statement.where(ApiToken.token_hash != _token_digest(keep_digest_of))
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]  # an UPDATE's CursorResult
