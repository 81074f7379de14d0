"""Who gets notices by mail: each user's address and chosen kinds; each agency's SMTP server (admins).
One call is one transaction, owned by the caller."""
import re

from ..accounts.roles import Role
from ..errors import Forbidden, InvalidInput
from ..extensions import db
from ..notifications.kinds import NOTICE_KINDS
from .models import AgencyMailServer, NoticePreference
from .service import ensure_mail_sweep

_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,99}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def preferences_of(user_id: int) -> dict:
    row = db.session.get(NoticePreference, user_id)
    return {"email": row.email if row else None, "mail_kinds": list(row.mail_kinds or []) if row else []}


def save_preferences(*, actor, email: str | None, mail_kinds: list[str]) -> dict:
    """Set the actor's address (None: no mail) and the kinds that also come by mail."""
    unknown = sorted(set(mail_kinds) - set(NOTICE_KINDS))
    if unknown:
        raise InvalidInput("未知的通知类型", fields={"mail_kinds": [f"未知的通知类型：{k}" for k in unknown]})
    email = (email or "").strip() or None
    if email is not None and (len(email) > 254 or not _EMAIL.match(email)):
        raise InvalidInput("电子邮箱地址格式不正确", fields={"email": ["电子邮箱地址格式不正确"]})
    row = db.session.get(NoticePreference, actor.id)
    if row is None:
        row = NoticePreference(user_id=actor.id)
        db.session.add(row)
    row.email = email
    row.mail_kinds = [kind for kind in NOTICE_KINDS if kind in set(mail_kinds)]
    if row.email and row.mail_kinds:
        ensure_mail_sweep()
    db.session.flush()
    return preferences_of(actor.id)


def mail_server_of(*, actor) -> AgencyMailServer | None:
    _require_admin(actor)
    return db.session.get(AgencyMailServer, actor.agency_id)


def save_mail_server(*, actor, host: str, port: int, sender: str, starttls: bool,  # noqa: PLR0913  (one per SMTP setting)
                     username: str | None,
                     password_env: str | None) -> AgencyMailServer:
    """Set the actor's agency's SMTP server; the password stays in the environment variable named."""
    _require_admin(actor)
    if username and not (password_env and _ENV_NAME.match(password_env)):
        raise InvalidInput("请填写保存密码的环境变量名（大写字母、数字、下划线）",
                           fields={"password_env": ["需要环境变量名，如 SMTP_PASSWORD"]})
    row = db.session.get(AgencyMailServer, actor.agency_id)
    if row is None:
        row = AgencyMailServer(agency_id=actor.agency_id)
        db.session.add(row)
    row.host, row.port, row.sender, row.starttls = host.strip(), port, sender.strip(), starttls
    row.username, row.password_env = (username or None), (password_env or None)
    ensure_mail_sweep()
    db.session.flush()
    return row


def remove_mail_server(*, actor) -> None:
    _require_admin(actor)
    row = db.session.get(AgencyMailServer, actor.agency_id)
    if row is not None:
        db.session.delete(row)


def _require_admin(actor) -> None:
    if not actor.has_role(Role.ADMIN):
        raise Forbidden("需要系统管理员角色", code="role_required")
