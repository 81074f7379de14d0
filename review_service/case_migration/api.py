"""POST /api/v1/agencies/{code}/processes/migrations: move running cases onto another process version.

Served on the processes blueprint (same endpoint and OpenAPI tag as the rest of /processes), added by
create_app through add_routes: processes itself knows nothing of cases and tasks.
"""
from flask_smorest import Blueprint

from ..accounts.auth import current_actor
from ..agencies.service import agency_by_code
from ..processes.schemas import MigrationQuerySchema, MigrationReportSchema
from ..unit_of_work import discard
from .service import migrate_cases


def migrate(query, code):
    """Move running cases to version `to` (dry_run=true by default lists what would change and why refused)."""
    reports = migrate_cases(agency_by_code(code), query["to"], actor=current_actor(), dry_run=query["dry_run"])
    if query["dry_run"]:
        discard()
    return {"dry_run": query["dry_run"], "cases": reports}


_SERVED: set[int] = set()  # the blueprints already given the route (a blueprint takes routes until registered)


def add_routes(blp: Blueprint) -> None:
    """Add the migration endpoint to `blp` (the processes blueprint), once however often the app is built."""
    if id(blp) in _SERVED:
        return
    _SERVED.add(id(blp))
    view = blp.arguments(MigrationQuerySchema, location="query")(blp.response(200, MigrationReportSchema)(migrate))
    blp.route("/<code>/processes/migrations", methods=["POST"])(view)
