"""登录 / 退出 / 语言: the session login of the web pages."""
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import format_datetime, gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..accounts.passwords import policy_text
from ..accounts.service import LoginRefused, log_in, log_out
from ..errors import ServiceError
from ..unit_of_work import keeps_changes_on
from ..users.service import change_own_password
from .i18n import LOCALES
from .pages import page_blueprint
from .session import SESSION_TOKEN_KEY

bp = page_blueprint("web_auth", __name__, login=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or http://host) may follow a login."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("web_inbox.inbox")


def _refusal_text(refusal: LoginRefused) -> str:
    """What the login page says: wrong password with the attempts left, or locked until (Beijing time)."""
    if refusal.locked_until is not None:
        until = format_datetime(refusal.locked_until, "yyyy-MM-dd HH:mm")
        locked = _("The account is locked until %(time)s (Beijing time).", time=until)
        return locked if refusal.code == "account_locked" else _("Wrong username or password.") + " " + locked
    if refusal.attempts_left is not None:
        return _("Wrong username or password. %(left)d attempts left before the account is locked.",
                 left=refusal.attempts_left)
    return _("Wrong username or password.")


@bp.route("/login", methods=["GET", "POST"])
@keeps_changes_on(401)  # a wrong password still counts as a failed attempt
def login():
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(url_for("web_inbox.inbox"))
        return render_template("web/login.html", next=request.args.get("next", ""))
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if not username or not password:
        return render_template("web/login.html", error=_("Enter your username and password."),
                               username=username, next=request.form.get("next", "")), 422
    try:
        token, user = log_in(username, password)
    except LoginRefused as refusal:
        return render_template("web/login.html", error=_refusal_text(refusal), username=username,
                               next=request.form.get("next", "")), 401
    lang = session.get("lang")
    session.clear()  # a fresh session at login (no fixation)
    if lang:
        session["lang"] = lang
    session[SESSION_TOKEN_KEY] = token
    login_user(user)
    if user.must_change_password:
        return redirect(url_for("web_auth.change_password"))
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    token = session.get(SESSION_TOKEN_KEY)
    if token:
        log_out(token)
    logout_user()
    session.pop(SESSION_TOKEN_KEY, None)
    return redirect(url_for("web_auth.login"))


@bp.route("/language", methods=["POST"])
def language():
    chosen = request.form.get("lang")
    if chosen in LOCALES:
        session["lang"] = chosen
    return redirect(_safe_next(request.form.get("next")))


# Pages a user holding a one-time password may open: everything else sends them to change it first.
PASSWORD_CHANGE_PAGES = frozenset({"web_auth.change_password", "web_auth.logout", "web_auth.language",
                                   "web_auth.login"})


def force_password_change():
    """before_request of the pages: a one-time password must be changed before anything else."""
    if (request.blueprint or "").startswith("web_") and request.endpoint not in PASSWORD_CHANGE_PAGES \
            and current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("web_auth.change_password"))
    return None


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """修改密码: required at the first login with a one-time password; the other sessions end."""
    forced = current_user.must_change_password
    if request.method == "GET":
        return render_template("web/password.html", forced=forced, policy=policy_text())
    new = request.form.get("new_password", "")
    if new != request.form.get("new_password_again", ""):
        return render_template("web/password.html", forced=forced, policy=policy_text(),
                               errors=[_("The two new passwords differ.")]), 422
    try:
        change_own_password(current_user, current=request.form.get("current_password", ""), new=new,
                            keep_token=session.get(SESSION_TOKEN_KEY))
    except ServiceError as refusal:
        messages = [message for field in refusal.fields.values() for message in field] or [refusal.message]
        return render_template("web/password.html", forced=forced, policy=policy_text(), errors=messages), 422
    flash(_("Your password has been changed."), "success")
    return redirect(url_for("web_inbox.inbox"))
