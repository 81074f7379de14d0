"""GET /api/v1/dashboard: the supervisor dashboard's figures for API clients."""
from flask import jsonify
from flask_smorest import Blueprint

from ..accounts.auth import current_actor, require_actor
from .schemas import DashboardQuerySchema, DashboardSchema, dump_dashboard
from .service import dashboard_figures

blp = Blueprint("dashboard", __name__, url_prefix="/api/v1", description="监督看板")
blp.before_request(require_actor)


@blp.route("/dashboard", methods=["GET"])
@blp.arguments(DashboardQuerySchema, location="query")
@blp.response(200, DashboardSchema)
@blp.alt_response(403, description="role_required (supervisor, head, review_head or admin) or agency_forbidden")
@blp.alt_response(404, description="agency_not_found")
def dashboard(query):
    """Overdue and upcoming deadlines, cases per stage, working days per stage and staffing, for the
    caller's agency (supervisors: and the agencies below it)."""
    return jsonify(dump_dashboard(dashboard_figures(
        current_actor(), agency_code=query.get("agency"), within_working_days=query["within_working_days"],
        period_days=query["period_days"], limit=query["limit"])))
