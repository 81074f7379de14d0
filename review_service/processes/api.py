"""/api/v1/agencies/{code}/processes: publish (multipart), list, download, diff (migration: case_migration/api.py)."""
from pathlib import PurePath

from flask import Response, request
from flask_smorest import Blueprint

from ..accounts.auth import current_actor, require_actor
from ..agencies.service import agency_by_code
from ..headers import as_attachment
from .permissions import readable_agency
from .schemas import (
    DiffQuerySchema,
    DiffSchema,
    ProcessSourcesSchema,
    ProcessVersionListSchema,
    ProcessVersionSchema,
    VersionQuerySchema,
)
from .versions import diff_versions, list_versions, publish_for_agency, version_by_number, version_file

blp = Blueprint("processes", __name__, url_prefix="/api/v1/agencies", description="机关流程版本（流程设计）")
blp.before_request(require_actor)

UPLOAD_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                                      "note": {"type": "string", "description": "what changed (change note)"}}}}}}


def uploaded_files() -> dict[str, bytes]:
    """Every uploaded file by its base name, whatever the form field is called."""
    return {PurePath(storage.filename or key).name: storage.read()
            for key in request.files for storage in request.files.getlist(key)}


@blp.route("/<code>/processes", methods=["POST"])
@blp.doc(requestBody=UPLOAD_BODY)
@blp.response(201, ProcessVersionSchema)
@blp.alt_response(200, description="Identical to the latest version; nothing new was stored")
@blp.alt_response(403, description="designer_required: only the agency's designer or an administrator")
@blp.alt_response(422, description="process_invalid: fields.files lists 'file:element:line: message'")
def publish(code):
    """Publish .bpmn/.dmn/profile.json/catalog.json as a new numbered version; files left out are inherited."""
    version, created = publish_for_agency(agency_by_code(code), uploaded_files(), actor=current_actor(),
                                          note=request.form.get("note"))
    return version, 201 if created else 200


@blp.route("/<code>/processes", methods=["GET"])
@blp.response(200, ProcessVersionListSchema)
def index(code):
    """The agency's own published versions, oldest first."""
    return {"items": list_versions(readable_agency(code, actor=current_actor()))}


@blp.route("/<code>/processes/<int:number>", methods=["GET"])
@blp.arguments(VersionQuerySchema, location="query")
@blp.response(200, ProcessSourcesSchema)
def show(query, code, number):
    """One version's files as JSON, or ?file=name for that file raw."""
    version = version_by_number(readable_agency(code, actor=current_actor()), number)
    if query["file"]:
        text = version_file(version, query["file"])
        mimetype = "application/json" if query["file"].endswith(".json") else "application/xml"
        return as_attachment(Response(text, mimetype=mimetype), f"v{number}-{query['file']}")
    return version


@blp.route("/<code>/processes/diff", methods=["GET"])
@blp.arguments(DiffQuerySchema, location="query")
@blp.response(200, DiffSchema)
def diff(query, code):
    """Text diff per file, and the task specs added, changed and removed between two versions."""
    return diff_versions(readable_agency(code, actor=current_actor()), query["from_"], query["to"])
