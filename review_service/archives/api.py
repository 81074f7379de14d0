"""Archive packages: list and request a case's packages, download one, verify an uploaded one."""
from flask import request, send_file
from flask_smorest import Blueprint

from ..accounts.auth import current_actor, require_actor
from ..errors import InvalidInput
from .schemas import ArchivePackageListSchema, BuildRequestedSchema, VerificationSchema
from .service import get_package, list_packages, package_file, request_package
from .verify import verify_package

blp = Blueprint("archives", __name__, url_prefix="/api/v1", description="电子案卷")
blp.before_request(require_actor)


@blp.route("/cases/<int:case_id>/archive-packages", methods=["GET"])
@blp.response(200, ArchivePackageListSchema)
def packages(case_id):
    """The case's archive packages, newest first, and whether a build is under way."""
    return list_packages(case_id, actor=current_actor())


@blp.route("/cases/<int:case_id>/archive-packages", methods=["POST"])
@blp.response(202, BuildRequestedSchema)
@blp.alt_response(403, description="role_required: the case's agency's handler, head, review head or admin")
@blp.alt_response(409, description="case_not_decided")
def request_build(case_id):
    """Have the worker build a new package of a decided case (the archiving step does this by itself)."""
    return request_package(case_id, actor=current_actor())


@blp.route("/archive-packages/<int:package_id>/download", methods=["GET"])
def download(package_id):
    """The package's ZIP (same permissions as the case page; another agency: 404)."""
    package = get_package(package_id, actor=current_actor())
    return send_file(package_file(package), mimetype="application/zip", as_attachment=True,
                     download_name=package.filename)


@blp.route("/archive-packages/verify", methods=["POST"])
@blp.doc(requestBody={"content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}})
@blp.response(200, VerificationSchema)
def verify():
    """Check an uploaded package: names every changed, missing or added file; ok=false on any problem."""
    file = request.files.get("file")
    if file is None:
        raise InvalidInput("缺少文件字段 file", fields={"file": ["必填"]})
    return verify_package(file.stream).as_dict()
