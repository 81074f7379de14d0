"""GET /api/v1/calendar/due, GET /api/v1/calendar/years (工作日日历)."""
from typing import Any

from flask_smorest import Blueprint

from ..accounts.auth import current_actor, require_actor
from .schemas import DueQuerySchema, DueSchema, YearListSchema
from .service import agency_id_for_code, compute_due_date, describe_years

blp = Blueprint("calendar", __name__, url_prefix="/api/v1/calendar", description="工作日日历")
blp.before_request(require_actor)


@blp.route("/due", methods=["GET"])
@blp.arguments(DueQuerySchema, location="query")
@blp.response(200, DueSchema)
@blp.alt_response(422, description="validation_failed, agency_not_found, or calendar_data_missing (error.fields.year)")
def due(query: dict[str, Any]) -> dict[str, Any]:
    """The due date of a period of working days or calendar days from `start` (start day not counted)."""
    agency_id = agency_id_for_code(query["agency"]) if "agency" in query else current_actor().agency_id
    period: dict[str, Any] = {key: query[key] for key in ("working_days", "calendar_days") if key in query}
    due_on = compute_due_date(query["start"], agency_id=agency_id, **period)
    return {"due_on": due_on, "start": query["start"], **period}


@blp.route("/years", methods=["GET"])
@blp.response(200, YearListSchema)
def years() -> dict[str, Any]:
    """Every year with holiday data and where it comes from (the package, or a loaded notice)."""
    return {"items": describe_years()}
