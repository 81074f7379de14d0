"""Server-rendered pages in Chinese (English available) for every role: init_app wires them."""
from flask import Flask

from .i18n import babel, register_template_helpers, select_locale
from .session import csrf, login_manager


def init_app(app: Flask) -> None:
    """Sessions, CSRF, translations and the page blueprints; the JSON API is untouched."""
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    register_template_helpers(app)
    # Jinja's |tojson sorts keys by default: the forms would show their fields alphabetically.
    app.jinja_env.policies["json.dumps_kwargs"] = {"sort_keys": False}

    from .accounts import bp as accounts_bp
    from .archives import bp as archives_bp
    from .auth import bp as auth_bp
    from .auth import force_password_change
    from .calendar import bp as calendar_bp
    from .cases import bp as cases_bp
    from .dashboard import bp as dashboard_bp
    from .designer import bp as designer_bp
    from .documents import bp as documents_bp
    from .inbox import bp as inbox_bp
    from .migrations import bp as migrations_bp
    from .notifications import bp as notifications_bp
    from .tasks import bp as tasks_bp
    from .withdrawals import bp as withdrawals_bp
    for blueprint in (auth_bp, inbox_bp, cases_bp, withdrawals_bp, tasks_bp, notifications_bp, designer_bp,
                      migrations_bp, dashboard_bp, accounts_bp, calendar_bp, archives_bp, documents_bp):
        app.register_blueprint(blueprint)
    app.before_request(force_password_change)
    app.register_error_handler(404, _unknown_address)


def _unknown_address(error):
    """An address no route matches: a Chinese page, except under the JSON API (its error body)."""
    from flask import request

    from ..errors import http_exception_response
    from .pages import render_http_error
    if request.path.startswith("/api/") or request.blueprint:
        return (render_http_error(error) if request.blueprint and not request.path.startswith("/api/")
                else http_exception_response(error))
    return render_http_error(error)
