"""/api/v1/users (账号管理, administrators) and POST /api/v1/auth/password (every account holder)."""
from flask import request
from flask_smorest import Blueprint

from ..accounts.auth import bearer_token, current_actor, require_actor
from ..agencies.api import CSV_BODY, uploaded_csv
from .schemas import (
    AccountCreateSchema,
    AccountEventListSchema,
    AccountListSchema,
    AccountQuerySchema,
    AccountSchema,
    ImportedAccountsSchema,
    OneTimePasswordSchema,
    PasswordChangeSchema,
    RolesSchema,
)
from .service import (
    account_events,
    agency_in_reach,
    change_own_password,
    create_account,
    deactivate_account,
    get_account,
    list_accounts,
    reactivate_account,
    reset_password,
    set_roles,
)
from .sheet import import_accounts, link_staff

blp = Blueprint("users", __name__, url_prefix="/api/v1", description="账号管理")
blp.before_request(require_actor)

NOT_IN_REACH = "user_not_found / agency_not_found: not in your agency or below it (others are never shown)"


@blp.route("/auth/password", methods=["POST"])
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@blp.alt_response(422, description="wrong_password, or weak_password (error.fields.new_password lists the policy)")
def change_password(payload):
    """Change your own password (the one-time one included); your other sessions and tokens end."""
    change_own_password(current_actor(), current=payload["current_password"], new=payload["new_password"],
                        keep_token=bearer_token())


@blp.route("/users", methods=["GET"])
@blp.arguments(AccountQuerySchema, location="query")
@blp.response(200, AccountListSchema)
def index(query):
    """Accounts of your agency and the agencies below it (or of one of them)."""
    actor = current_actor()
    agency = agency_in_reach(query["agency"], actor=actor) if "agency" in query else None
    return {"items": list_accounts(actor=actor, agency=agency, include_inactive=not query.get("active", False))}


@blp.route("/users", methods=["POST"])
@blp.arguments(AccountCreateSchema)
@blp.response(201, OneTimePasswordSchema)
@blp.alt_response(404, description=NOT_IN_REACH)
def create(payload):
    """Create an account with a one-time password, shown only in this answer."""
    actor = current_actor()
    user, secret = create_account(agency_in_reach(payload["agency"], actor=actor), actor=actor,
                                  username=payload["username"], full_name=payload["full_name"], roles=payload["roles"])
    return {"user": user, "one_time_password": secret}


@blp.route("/users/import", methods=["POST"])
@blp.arguments(AccountQuerySchema(only=("agency",)), location="query")
@blp.doc(requestBody=CSV_BODY)
@blp.response(201, ImportedAccountsSchema)
@blp.alt_response(422, description="import_failed: error.fields has rows.<row>.<column> per bad row; nothing stored")
def import_sheet(query):
    """Accounts from the staff sheet (CSV or XLSX; rows with a username), each with a one-time password."""
    actor = current_actor()
    agency = agency_in_reach(query.get("agency") or actor.agency.code, actor=actor)
    created = import_accounts(agency, uploaded_csv(), actor=actor)
    return {"items": [{"user": user, "one_time_password": secret} for user, secret in created]}


@blp.route("/users/events", methods=["GET"])
@blp.response(200, AccountEventListSchema)
def events():
    """The newest 200 account changes in your reach, newest first."""
    return {"items": account_events(actor=current_actor())}


@blp.route("/users/<int:user_id>", methods=["GET"])
@blp.response(200, AccountSchema)
@blp.alt_response(404, description=NOT_IN_REACH)
def show(user_id):
    return get_account(user_id, actor=current_actor())


@blp.route("/users/<int:user_id>/roles", methods=["PUT"])
@blp.arguments(RolesSchema)
@blp.response(200, AccountSchema)
@blp.alt_response(404, description=NOT_IN_REACH)
def put_roles(payload, user_id):
    """Replace the account's roles (takes effect at its next request)."""
    actor = current_actor()
    return set_roles(get_account(user_id, actor=actor), actor=actor, roles=payload["roles"])


@blp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@blp.response(200, OneTimePasswordSchema)
@blp.alt_response(404, description=NOT_IN_REACH)
def reset(user_id):
    """A new one-time password (shown only in this answer); the account's sessions and tokens end."""
    actor = current_actor()
    user = get_account(user_id, actor=actor)
    return {"user": user, "one_time_password": reset_password(user, actor=actor)}


@blp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@blp.response(200, AccountSchema)
@blp.alt_response(404, description=NOT_IN_REACH)
@blp.alt_response(409, description="already_deactivated, cannot_deactivate_self")
def deactivate(user_id):
    """The account can no longer log in; every session and token ends at once."""
    actor = current_actor()
    return deactivate_account(get_account(user_id, actor=actor), actor=actor)


@blp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@blp.response(200, OneTimePasswordSchema)
@blp.alt_response(404, description=NOT_IN_REACH)
@blp.alt_response(409, description="not_deactivated")
def reactivate(user_id):
    """A deactivated account may log in again, with a new one-time password shown only in this answer."""
    actor = current_actor()
    user = get_account(user_id, actor=actor)
    return {"user": user, "one_time_password": reactivate_account(user, actor=actor)}


@blp.route("/users/<int:user_id>/events", methods=["GET"])
@blp.response(200, AccountEventListSchema)
@blp.alt_response(404, description=NOT_IN_REACH)
def user_events(user_id):
    actor = current_actor()
    return {"items": account_events(actor=actor, user=get_account(user_id, actor=actor))}


@blp.route("/users/<int:user_id>/staff/<int:staff_id>", methods=["PUT", "DELETE"])
@blp.response(204)
@blp.alt_response(404, description="user_not_found, staff_not_found")
def staff_link(user_id, staff_id):
    """PUT links the staff record (执法证, 法律职业资格) of the account's agency to it; DELETE unlinks it."""
    actor = current_actor()
    link_staff(get_account(user_id, actor=actor), staff_id, actor=actor, link=request.method == "PUT")
