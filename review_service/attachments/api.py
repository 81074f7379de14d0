"""POST /api/v1/attachments (multipart upload), GET /api/v1/attachments/{id} (download)."""
from flask import request, send_file
from flask_smorest import Blueprint

from ..accounts.auth import current_actor, require_actor
from ..errors import InvalidInput
from ..headers import as_attachment
from .schemas import AttachmentSchema
from .service import attachment_path, get_attachment, store_upload

blp = Blueprint("attachments", __name__, url_prefix="/api/v1/attachments", description="附件")
blp.before_request(require_actor)


@blp.route("", methods=["POST"])
@blp.doc(requestBody={"content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}})
@blp.response(201, AttachmentSchema)
def upload():
    """Upload one file; reference its id from a form's materials[].attachment_ids."""
    file = request.files.get("file")
    if file is None:
        raise InvalidInput("缺少文件字段 file", fields={"file": ["必填"]})
    attachment = store_upload(file.stream, file.filename, actor=current_actor())
    return attachment


@blp.route("/<attachment_id>", methods=["GET"])
def download(attachment_id):
    """Download an attachment of the caller's agency."""
    attachment = get_attachment(attachment_id, actor=current_actor())
    return as_attachment(send_file(attachment_path(attachment), mimetype=attachment.content_type),
                         attachment.filename)
