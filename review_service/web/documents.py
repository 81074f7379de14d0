"""文书: download a case document (DOCX, or PDF shown in the browser's own viewer) and make a new version."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..documents.api import file_response
from ..documents.service import get_document, regenerate_document
from .pages import page_blueprint

bp = page_blueprint("web_documents", __name__, url_prefix="/documents")


@bp.route("/<int:document_id>.<any(docx, pdf):fmt>")
def download(document_id, fmt):
    """The file; a PDF opens inline (Content-Disposition: inline) unless ?download=1."""
    entry = get_document(document_id, actor=current_user)
    return file_response(entry, fmt, inline=fmt == "pdf" and request.args.get("download") != "1")


@bp.route("/<int:document_id>/regenerate", methods=["POST"])
def regenerate(document_id):
    entry = regenerate_document(document_id, actor=current_user)
    flash(_("A new version %(n)s of the document was made; the earlier versions stay.", n=entry.version), "success")
    return redirect(url_for("web_cases.show", case_id=entry.document.case_id) + "#documents")
