"""POST /api/v1/agencies/{code}/processes/migrations: move running cases onto another process version."""
from flask_smorest import Blueprint

from ..accounts.auth import current_actor, require_actor
from ..agencies.service import agency_by_code
from ..processes.schemas import MigrationQuerySchema, MigrationReportSchema
from ..unit_of_work import discard
from .service import migrate_cases

blp = Blueprint("case_migration", __name__, url_prefix="/api/v1/agencies", description="机关流程版本（流程设计）")
blp.before_request(require_actor)


@blp.route("/<code>/processes/migrations", methods=["POST"])
@blp.doc(tags=["processes"])
@blp.arguments(MigrationQuerySchema, location="query")
@blp.response(200, MigrationReportSchema)
def migrate(query, code):
    """Move running cases to version `to` (dry_run=true by default lists what would change and why refused)."""
    reports = migrate_cases(agency_by_code(code), query["to"], actor=current_actor(), dry_run=query["dry_run"])
    if query["dry_run"]:
        discard()
    return {"dry_run": query["dry_run"], "cases": reports}
