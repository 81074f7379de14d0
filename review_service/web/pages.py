"""The common frame of every page blueprint: login, CSRF on POST, errors as readable pages.

An error raised by a view reaches these handlers after its unit of work rolled back (unit_of_work.py).
"""
from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..errors import ServiceError
from .session import login_manager, protect_page_posts

HTTP_TITLES = {400: _l("Bad request"), 403: _l("Not allowed"), 404: _l("Not found"), 405: _l("Not allowed"),
               409: _l("Conflict"), 413: _l("File too large"), 422: _l("Invalid input")}
HTTP_MESSAGES = {400: _l("The request could not be understood; go back and try again."),
                 403: _l("You may not open this page."),
                 404: _l("There is no such page; it may have been moved or the address is mistyped."),
                 405: _l("This page cannot be used this way."),
                 409: _l("Someone changed this in the meantime; reload the page and try again."),
                 413: _l("The file is too large."), 422: _l("Some of the input is not valid.")}


def page_blueprint(name: str, import_name: str, *, login: bool = True, **kwargs) -> Blueprint:
    """A blueprint whose pages need a logged-in user (unless login=False) and answer errors with a page."""
    bp = Blueprint(name, import_name, **kwargs)

    @bp.before_request
    def _require_login():
        if login and not current_user.is_authenticated:
            return login_manager.unauthorized()
        protect_page_posts()

    bp.register_error_handler(ServiceError, render_service_error)
    bp.register_error_handler(CSRFError, _render_csrf_error)
    bp.register_error_handler(HTTPException, render_http_error)
    return bp


def render_service_error(error: ServiceError):
    return render_template("web/error.html", title=str(HTTP_TITLES.get(error.status, _("Error"))),
                           message=error.message, code=error.code), error.status


def _render_csrf_error(error: CSRFError):
    return render_template("web/error.html", title=_("The form expired"),
                           message=_("Please go back, reload the page and submit again."),
                           code="csrf_failed"), 400


def render_http_error(error: HTTPException):
    status = error.code or 500
    return render_template("web/error.html", title=str(HTTP_TITLES.get(status, _("Error"))),
                           message=str(HTTP_MESSAGES.get(status, _("Something went wrong; please try again later."))),
                           code=None), status
