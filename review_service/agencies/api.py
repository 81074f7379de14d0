"""Agencies: list, register, edit, import from CSV (/api/v1/agencies)."""
from flask import request
from flask_smorest import Blueprint

from ..accounts.auth import current_actor, require_actor
from ..errors import InvalidInput
from .schemas import AgencyCreateSchema, AgencyListSchema, AgencySchema, AgencyUpdateSchema, ImportResultSchema
from .service import agency_by_code, create_agency, get_agency, import_agencies, list_agencies, update_agency

blp = Blueprint("agencies", __name__, url_prefix="/api/v1/agencies", description="行政执法机关")
blp.before_request(require_actor)

CSV_BODY = {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object",
                                       "properties": {"file": {"type": "string", "format": "binary"}}}},
    "text/csv": {"schema": {"type": "string"}}}}


def uploaded_csv() -> bytes:
    """The CSV from a multipart `file` field or the raw body."""
    upload = request.files.get("file")
    content = upload.read() if upload else request.get_data()
    if not content:
        raise InvalidInput("请上传 CSV 文件", code="import_failed", fields={"file": ["缺少文件"]})
    return content


@blp.route("", methods=["GET"])
@blp.response(200, AgencyListSchema)
def index():
    """The caller's agency; administrators and supervisors also every agency below it."""
    return {"items": list_agencies(actor=current_actor())}


@blp.route("", methods=["POST"])
@blp.arguments(AgencyCreateSchema)
@blp.response(201, AgencySchema)
@blp.alt_response(403, description="admin_required / outside_reach")
def create(payload):
    """Register an agency below one the administrator manages."""
    agency = create_agency(actor=current_actor(), data=payload)
    return agency


@blp.route("/<code>", methods=["GET"])
@blp.response(200, AgencySchema)
def show(code):
    """The agency if it is in the caller's list (its own; administrators and supervisors: or one below it)."""
    return get_agency(code, actor=current_actor())


@blp.route("/<code>", methods=["PATCH"])
@blp.arguments(AgencyUpdateSchema)
@blp.response(200, AgencySchema)
def update(payload, code):
    """Edit an agency's name, level, parent, sector or settings."""
    agency = update_agency(agency_by_code(code), actor=current_actor(), data=payload)
    return agency


@blp.route("/import", methods=["POST"])
@blp.doc(requestBody=CSV_BODY)
@blp.response(201, ImportResultSchema)
@blp.alt_response(422, description="import_failed: error.fields has rows.<row>.<column> per bad row; nothing stored")
def import_csv():
    """CSV (UTF-8, BOM allowed): code,name,level,parent_code[,sector,advisors_count_toward_ratio,...]."""
    agencies = import_agencies(uploaded_csv(), actor=current_actor())
    return {"imported": len(agencies), "codes": [a.code for a in agencies]}
