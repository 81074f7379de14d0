"""GET /api/v1/calendar/due, GET /api/v1/calendar/years, POST /api/v1/calendar/arrangements[/preview]."""
from typing import Any

from flask_smorest import Blueprint

from ..accounts.auth import current_actor, require_actor
from .schemas import (
    ArrangementBodySchema,
    DueQuerySchema,
    DueSchema,
    LoadedSchema,
    LoadQuerySchema,
    PreviewSchema,
    YearListSchema,
)
from .service import (
    agency_id_for_code,
    check_calendar_admin,
    compute_due_date,
    describe_years,
    load_arrangement,
    preview_arrangement,
)

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


@blp.route("/arrangements/preview", methods=["POST"])
@blp.arguments(ArrangementBodySchema)
@blp.response(200, PreviewSchema)
def preview(document: dict[str, Any]) -> dict[str, Any]:
    """Check a year's arrangement (the file format of `flask review calendar load`) without loading it:
    errors, warnings (more than 6 working days in a row, a make-up day on a weekday, a holiday on a make-up
    day) and every working day of the year."""
    check_calendar_admin(current_actor())
    return preview_arrangement(document)


@blp.route("/arrangements", methods=["POST"])
@blp.arguments(LoadQuerySchema, location="query")
@blp.arguments(ArrangementBodySchema)
@blp.response(201, LoadedSchema)
@blp.alt_response(403, description="calendar_admin_required: an administrator of a top-level agency")
@blp.alt_response(422, description="invalid_arrangement (error.fields), example_arrangement (the file says "
                                   "example: true; pass ?example=true), arrangement_warnings (?accept_warnings=true)")
def load(query: dict[str, Any], document: dict[str, Any]) -> Any:
    """Load a year's arrangement (replacing an earlier one) and recompute the open deadlines it moves."""
    check_calendar_admin(current_actor())
    loaded = load_arrangement(document, source="api", allow_example=query["example"],
                              accept_warnings=query["accept_warnings"])
    return {"year": loaded.year, "revision": loaded.revision, "changed_days": len(loaded.changed_days),
            "deadlines_recomputed": loaded.deadlines_recomputed, "warnings": list(loaded.warnings)}
