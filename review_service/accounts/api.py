"""POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/auth/me."""
from flask import current_app
from flask_smorest import Blueprint

from ..unit_of_work import keeps_changes_on
from .auth import bearer_token, current_actor, require_actor
from .schemas import LoginSchema, TokenSchema, UserSchema
from .service import LoginRefused, log_in, log_out

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="登录与令牌")


@blp.route("/login", methods=["POST"])
@blp.doc(security=[])
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@keeps_changes_on(LoginRefused)  # a wrong password still counts as a failed attempt
def login(credentials):
    """Exchange a username and password for a bearer token.

    A refusal (401) says in its message how many attempts remain or until when the account is locked.
    """
    token, user = log_in(credentials["username"], credentials["password"])
    return {"token": token, "expires_in_hours": current_app.config["TOKEN_TTL_HOURS"], "user": user}


@blp.route("/logout", methods=["POST"])
@blp.response(204)
def logout():
    """Revoke the bearer token of this request."""
    require_actor()
    log_out(bearer_token())


@blp.route("/me", methods=["GET"])
@blp.response(200, UserSchema)
def me():
    """The logged-in user, with roles and agency."""
    require_actor()
    return current_actor()
