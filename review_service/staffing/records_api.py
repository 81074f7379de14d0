"""Staff records of an agency (/api/v1/agencies/{code}/staff): list, register, edit, deactivate, import from CSV."""
from flask_smorest import Blueprint

from ..accounts.auth import current_actor, require_actor
from ..agencies.api import CSV_BODY, uploaded_csv
from ..agencies.service import agency_by_code
from .records import create_staff, deactivate_staff, get_staff, import_staff, list_staff, update_staff
from .schemas import (
    DeactivateSchema,
    StaffCreateSchema,
    StaffListSchema,
    StaffQuerySchema,
    StaffSchema,
    StaffUpdateSchema,
)

blp = Blueprint("staff", __name__, url_prefix="/api/v1", description="执法人员、法制审核人员、法律顾问与公职律师")
blp.before_request(require_actor)


@blp.route("/agencies/<code>/staff", methods=["GET"])
@blp.arguments(StaffQuerySchema, location="query")
@blp.response(200, StaffListSchema)
def index(query, code):
    """Staff of the agency, optionally only those active on a date or of one kind."""
    return {"items": list_staff(agency_by_code(code), actor=current_actor(), **query)}


@blp.route("/agencies/<code>/staff", methods=["POST"])
@blp.arguments(StaffCreateSchema)
@blp.response(201, StaffSchema)
def create(payload, code):
    """Register a person; pooled advisors/lawyers are registered at the agency that holds the pool."""
    staff = create_staff(agency_by_code(code), actor=current_actor(), data=payload)
    return staff


@blp.route("/agencies/<code>/staff/import", methods=["POST"])
@blp.doc(requestBody=CSV_BODY)
@blp.response(201, StaffListSchema)
@blp.alt_response(422, description="import_failed: error.fields has rows.<row>.<column> per bad row; nothing stored")
def import_csv(code):
    """CSV (UTF-8, BOM allowed): kind,name,valid_from[,enforcement_certificate_no,legal_qualification_no,...]."""
    staff = import_staff(agency_by_code(code), uploaded_csv(), actor=current_actor())
    return {"items": staff}


@blp.route("/staff/<int:staff_id>", methods=["GET"])
@blp.response(200, StaffSchema)
def show(staff_id):
    return get_staff(staff_id, actor=current_actor())


@blp.route("/staff/<int:staff_id>", methods=["PATCH"])
@blp.arguments(StaffUpdateSchema)
@blp.response(200, StaffSchema)
def update(payload, staff_id):
    actor = current_actor()
    staff = update_staff(get_staff(staff_id, actor=actor), actor=actor, data=payload)
    return staff


@blp.route("/staff/<int:staff_id>/deactivate", methods=["POST"])
@blp.arguments(DeactivateSchema)
@blp.response(200, StaffSchema)
@blp.alt_response(409, description="already_deactivated")
def deactivate(payload, staff_id):
    """End the person's active period from `on` (default today); the record and past reports stay."""
    actor = current_actor()
    staff = deactivate_staff(get_staff(staff_id, actor=actor), actor=actor, on=payload.get("on"))
    return staff
