"""Bearer-token authentication for the JSON API."""
from flask import g, request

from ..errors import Unauthorized
from .models import User
from .service import user_for_token


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_actor() -> None:
    """before_request hook: set g.actor from the bearer token or answer 401."""
    if request.method == "OPTIONS":
        return
    token = bearer_token()
    user = user_for_token(token) if token else None
    if user is None:
        raise Unauthorized("未登录或登录已过期", code="unauthorized")
    g.actor = user


def current_actor() -> User:
    return g.actor
