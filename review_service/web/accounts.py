"""账号管理: administrators manage the accounts of their agency and the agencies below it.

Thin views over users/service.py and users/sheet.py. A one-time password is shown once, on the page
that answers the creation, reset or import (never kept in the session or a flash message).
"""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..accounts.roles import ROLES, Role
from ..agencies.models import Agency
from ..agencies.tree import descendant_ids
from ..errors import InvalidInput, ServiceError
from ..extensions import db
from ..users.service import (
    account_events,
    agency_in_reach,
    create_account,
    deactivate_account,
    get_account,
    list_accounts,
    reactivate_account,
    reset_password,
    set_roles,
)
from ..users.sheet import import_accounts, link_staff, staff_of_agency
from .pages import page_blueprint
from .session import roles_required

bp = page_blueprint("web_accounts", __name__, url_prefix="/admin/users")


def _agencies() -> list[Agency]:
    return list(db.session.scalars(select(Agency).where(Agency.id.in_(descendant_ids(current_user.agency_id)))
                                   .order_by(Agency.code)))


def _index(status: int = 200, **context):
    return render_template("web/accounts.html", accounts=list_accounts(actor=current_user), agencies=_agencies(),
                           roles=ROLES, **context), status


def _problems(refusal: ServiceError) -> list[str]:
    """The refusal's message and every field problem, as lines to show."""
    return [refusal.message] + [f"{field}: {'；'.join(messages)}" for field, messages in refusal.fields.items()]


@bp.route("")
@roles_required(Role.ADMIN)
def index():
    return _index()


@bp.route("", methods=["POST"])
@roles_required(Role.ADMIN)
def create():
    form = request.form
    try:
        if not form.get("username", "").strip() or not form.get("full_name", "").strip():
            raise InvalidInput(_("Enter a username and a full name."), fields={})
        agency = agency_in_reach(form.get("agency", ""), actor=current_user)
        user, secret = create_account(agency, actor=current_user, username=form["username"].strip(),
                                      full_name=form["full_name"].strip(), roles=form.getlist("roles"))
    except ServiceError as refusal:
        return _index(422, errors=_problems(refusal), form=form)
    return render_template("web/one_time_passwords.html", items=[(user, secret)], action=_("Account created"))


@bp.route("/import", methods=["POST"])
@roles_required(Role.ADMIN)
def import_sheet():
    upload = request.files.get("file")
    try:
        agency = agency_in_reach(request.form.get("agency", ""), actor=current_user)
        content = upload.read() if upload else b""
        if not content:
            raise InvalidInput(_("Choose a CSV or XLSX file."), fields={})
        created = import_accounts(agency, content, actor=current_user)
    except ServiceError as refusal:
        return _index(422, import_errors=_problems(refusal))
    return render_template("web/one_time_passwords.html", items=created, action=_("Accounts imported"))


@bp.route("/log")
@roles_required(Role.ADMIN)
def log():
    return render_template("web/account_log.html", events=account_events(actor=current_user), account=None)


@bp.route("/<int:user_id>")
@roles_required(Role.ADMIN)
def show(user_id):
    user = get_account(user_id, actor=current_user)
    return render_template("web/account.html", account=user, roles=ROLES, staff=staff_of_agency(user),
                           events=account_events(actor=current_user, user=user, limit=50))


@bp.route("/<int:user_id>/roles", methods=["POST"])
@roles_required(Role.ADMIN)
def roles(user_id):
    set_roles(get_account(user_id, actor=current_user), actor=current_user, roles=request.form.getlist("roles"))
    flash(_("The roles have been saved."), "success")
    return redirect(url_for("web_accounts.show", user_id=user_id))


@bp.route("/<int:user_id>/reset-password", methods=["POST"])
@roles_required(Role.ADMIN)
def reset(user_id):
    user = get_account(user_id, actor=current_user)
    secret = reset_password(user, actor=current_user)
    return render_template("web/one_time_passwords.html", items=[(user, secret)], action=_("Password reset"))


@bp.route("/<int:user_id>/deactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def deactivate(user_id):
    deactivate_account(get_account(user_id, actor=current_user), actor=current_user)
    flash(_("The account has been deactivated; its sessions have ended."), "success")
    return redirect(url_for("web_accounts.show", user_id=user_id))


@bp.route("/<int:user_id>/reactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def reactivate(user_id):
    user = get_account(user_id, actor=current_user)
    secret = reactivate_account(user, actor=current_user)
    return render_template("web/one_time_passwords.html", items=[(user, secret)], action=_("Account reactivated"))


@bp.route("/<int:user_id>/staff/<int:staff_id>", methods=["POST"])
@roles_required(Role.ADMIN)
def staff(user_id, staff_id):
    link_staff(get_account(user_id, actor=current_user), staff_id, actor=current_user,
               link=request.form.get("link") == "1")
    return redirect(url_for("web_accounts.show", user_id=user_id))
