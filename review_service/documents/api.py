"""GET /api/v1/cases/{id}/documents, GET /api/v1/documents/{id}/docx|pdf, POST /api/v1/documents/{id}/regenerate."""
from urllib.parse import quote

from flask import Response, request
from flask_smorest import Blueprint

from ..accounts.auth import current_actor, require_actor
from ..cases.service import get_case
from ..errors import NotFound
from .schemas import DocumentListSchema, DocumentSchema
from .service import get_document, list_case_documents, regenerate_document

blp = Blueprint("documents", __name__, url_prefix="/api/v1",
                description="文书（审核意见书、送审表、协调与集体讨论记录）")
blp.before_request(require_actor)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_response(entry, fmt: str, *, inline: bool = False) -> Response:
    """The DOCX (always there) or the PDF (404 document_pdf_missing until converted) as a download."""
    if fmt == "pdf":
        payload = entry.pdf_bytes()
        if payload is None:
            raise NotFound("PDF 尚未生成，请稍后再试或下载 DOCX", code="document_pdf_missing")
        mimetype = "application/pdf"
    else:
        payload, mimetype = entry.docx_bytes(), DOCX_TYPE
    name = quote(f"{entry.file_name}.{fmt}")
    disposition = "inline" if inline else "attachment"
    return Response(payload, mimetype=mimetype, headers={
        "Content-Disposition": f"{disposition}; filename=\"document-{entry.id}.{fmt}\"; filename*=UTF-8''{name}",
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


@blp.route("/cases/<int:case_id>/documents", methods=["GET"])
@blp.response(200, DocumentListSchema)
def index(case_id):
    """Every version of every document of the case, oldest first."""
    case = get_case(case_id, actor=current_actor())
    return {"items": list_case_documents(case)}


@blp.route("/documents/<int:document_id>/<any(docx, pdf):fmt>", methods=["GET"])
@blp.response(200, description="The file (DOCX or PDF); ?inline=1 shows a PDF in the browser")
@blp.alt_response(404, description="No such document in the caller's reach, or its PDF is not made yet")
def download(document_id, fmt):
    """Download one document version as DOCX or PDF."""
    entry = get_document(document_id, actor=current_actor())
    return file_response(entry, fmt, inline=request.args.get("inline") == "1")


@blp.route("/documents/<int:document_id>/regenerate", methods=["POST"])
@blp.response(201, DocumentSchema)
@blp.alt_response(409, description="document_template_failed: the template in force does not render")
def regenerate(document_id):
    """A new version from the same record and the template in force now; the old version stays."""
    return regenerate_document(document_id, actor=current_actor())
