"""重大执法决定法制审核 service: create_app() wires config, logging, extensions, blueprints and CLI."""
import logging

from flask import Flask
from flask_smorest import Api

from . import archives, deadlines, documents, edge, headers, mail, observability, staffing, tasks, unit_of_work, web
from .config import Config
from .errors import ErrorEnvelopeSchema, http_exception_response, register_error_handlers
from .extensions import db, migrate, tune_postgresql


class ReviewApi(Api):
    """flask-smorest with our error body for every HTTP error, documented as such."""

    ERROR_SCHEMA = ErrorEnvelopeSchema

    def handle_http_exception(self, error):
        return http_exception_response(error)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False, static_folder="web/static", template_folder="web/templates")
    app.config.from_object(Config)
    app.config.update(config or {})
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # the default provider has it
    observability.init_app(app)  # JSON or text logs, request id, request metrics, GET /metrics
    headers.init_app(app)  # CSP, nosniff, Referrer-Policy, no framing: on every response
    logging.getLogger("spiff").setLevel(logging.WARNING)  # below INFO its records carry case data

    edge.install_converter(app)  # before any route: <int:> ids within the database's integer
    db.init_app(app)
    with app.app_context():
        tune_postgresql(db.engine)
    migrate.init_app(app, db, directory=str(Config.MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    tasks.init_app(app)  # the task mirror, for cases (submitting a case mirrors its first tasks)
    staffing.init_app(app)  # reviewer eligibility and assignment, for the task checks and the mirror
    deadlines.init_app(app)  # job handlers, task effects, calendar listener, the mirror's deadline clock
    archives.init_app(app)  # the archive package's build job and the archiving step's effect
    mail.init_app(app)  # notices by e-mail: the mail sweep and send-mail job handlers
    api = ReviewApi(app)
    _register_blueprints(app, api)
    register_error_handlers(app)
    edge.init_app(app)  # size, depth and text checks of every request, before any view
    documents.init_app(app)  # documents: PDF job, listeners of steps, publishing check
    web.init_app(app)  # the Chinese web pages: sessions, CSRF, translations, page blueprints
    unit_of_work.init_app(app)  # last: every view, API and page, commits once or rolls back

    from .cli import review_cli
    app.cli.add_command(review_cli)
    return app


def _register_blueprints(app: Flask, api: Api) -> None:
    from . import models  # noqa: F401  (every table known to metadata and migrations)
    from .accounts.api import blp as auth_blp
    from .agencies.api import blp as agencies_blp
    from .archives.api import blp as archives_blp
    from .attachments.api import blp as attachments_blp
    from .case_migration.api import add_routes as add_migration_routes
    from .casework.cases_api import blp as cases_blp
    from .casework.tasks_api import blp as tasks_blp
    from .dashboard.api import blp as dashboard_blp
    from .deadlines.api import blp as deadlines_blp
    from .documents.api import blp as documents_blp
    from .health import blp as health_blp
    from .jobs.api import blp as incidents_blp
    from .mail.api import blp as notice_mail_blp
    from .notifications.api import blp as notifications_blp
    from .openapi import document_forms, document_security
    from .processes.api import blp as processes_blp
    from .processes.catalog_api import blp as catalog_blp
    from .reports.api import blp as reports_blp
    from .staffing.api import blp as staffing_blp
    from .staffing.records_api import blp as staff_blp
    from .users.api import blp as users_blp
    from .workdays.api import blp as calendar_blp

    add_migration_routes(processes_blp)  # migration (above processes, cases, tasks) under /processes
    for blueprint in (auth_blp, cases_blp, tasks_blp, attachments_blp, incidents_blp, notifications_blp,
                      notice_mail_blp, calendar_blp, deadlines_blp, agencies_blp, staff_blp, staffing_blp,
                      processes_blp, catalog_blp, dashboard_blp, users_blp, archives_blp, reports_blp, documents_blp):
        api.register_blueprint(blueprint)
    app.register_blueprint(health_blp)
    document_security(api)
    document_forms(api, app.config["FORMS_DIR"])
