"""Browser sessions: Flask-Login on top of the API's own tokens, CSRF on every page POST.

Logging in issues the same kind of token the API hands out and keeps it in the signed session
cookie, so expiry (REVIEW_TOKEN_TTL_HOURS), revocation at logout and deactivated accounts work
the same way for pages and API clients.
"""
from functools import wraps

from flask import abort, request, session
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect

from ..accounts.service import user_for_token

login_manager = LoginManager()
login_manager.login_view = "web_auth.login"
login_manager.login_message = None  # the login page says what to do itself
csrf = CSRFProtect()

SESSION_TOKEN_KEY = "api_token"


@login_manager.user_loader
def _load_user(user_id: str):
    token = session.get(SESSION_TOKEN_KEY)
    user = user_for_token(token) if token else None
    return user if user is not None and str(user.id) == user_id else None


def protect_page_posts() -> None:
    """before_request of every page blueprint: state-changing requests carry the CSRF token."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()


def roles_required(*roles: str):
    """A page for these roles only (403 otherwise); the services check again on every action."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.roles & set(roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorate
