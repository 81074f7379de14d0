"""Bearer-token authentication for the JSON API."""
from flask import g, request

from ..errors import Forbidden, Unauthorized
from .models import User
from .service import user_for_token


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


# What a user holding a one-time password may still do: see who they are, log out, change it.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.me", "auth.logout", "users.change_password"})


def require_actor() -> None:
    """before_request hook: set g.actor from the bearer token or answer 401; 403 password_change_required
    while the account holds a one-time password (except for PASSWORD_CHANGE_ENDPOINTS)."""
    if request.method == "OPTIONS":
        return
    token = bearer_token()
    user = user_for_token(token) if token else None
    if user is None:
        raise Unauthorized("未登录或登录已过期", code="unauthorized")
    if user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        raise Forbidden("请先修改一次性密码（POST /api/v1/auth/password）", code="password_change_required")
    g.actor = user


def current_actor() -> User:
    return g.actor
