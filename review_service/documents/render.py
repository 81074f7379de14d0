"""Find an agency's template, fill it (docxtpl, sandboxed Jinja) and convert the DOCX to PDF (LibreOffice).

Templates: workflows/<agency>/documents/<kind>.docx, else the parent agency's, ..., else
workflows/default/documents/ (processes.service.nearest_up_the_tree is the one walk). The DOCX bytes are
reproducible (fixed zip dates), so a DOCX rendered for a download equals the one the worker stores.
"""
import hashlib
import io
from pathlib import Path

from docxtpl import DocxTemplate
from flask import current_app
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from ..processes.service import agency_folder, nearest_up_the_tree
from .build_templates import reproducible_zip
from .soffice import ConversionError, convert_many

TEMPLATE_FILES = {"opinion": "opinion.docx", "submission": "submission.docx",
                  "coordination": "coordination.docx", "discussion": "discussion.docx"}
TEMPLATES_FOLDER = "documents"
SHIPPED_DEFAULT = Path(__file__).resolve().parents[2] / "workflows" / "default"


class DocumentFailed(Exception):
    """A template that cannot be filled, or a conversion that failed or ran out of time (message in Chinese)."""


def sha256(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def _template_in(folder: Path | None, kind: str) -> Path | None:
    path = folder / TEMPLATES_FOLDER / TEMPLATE_FILES[kind] if folder is not None else None
    return path if path is not None and path.is_file() else None


def find_template(agency, kind: str) -> Path | None:
    """The nearest template of this kind: the agency's folder, then each ancestor's (the process versions'
    walk, processes.service.nearest_up_the_tree), then default/, then the national one shipped with the
    service (so a REVIEW_WORKFLOWS_DIR without documents/ still has them). agency None: the national one."""
    def national() -> Path | None:
        return (_template_in(current_app.config["WORKFLOWS_DIR"] / "default", kind)
                or _template_in(SHIPPED_DEFAULT, kind))
    return nearest_up_the_tree(agency, lambda each: _template_in(agency_folder(each), kind), national)


def template_path(agency, kind: str) -> Path:
    path = find_template(agency, kind)
    if path is None:
        raise DocumentFailed(f"没有 {TEMPLATES_FOLDER}/{TEMPLATE_FILES[kind]} 模板")
    return path


def template_name(path: Path) -> str:
    """The template's path under workflows/ (what the document records and problems name)."""
    try:
        return path.relative_to(current_app.config["WORKFLOWS_DIR"]).as_posix()
    except ValueError:
        return path.name


def jinja_environment() -> SandboxedEnvironment:
    """Sandboxed (a template is a designer's upload), autoescaped XML, unknown names are errors, None prints ''."""
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined,
                                finalize=lambda value: "" if value is None else value)


def render_docx(template: bytes | Path, context: dict) -> bytes:
    """The filled DOCX; DocumentFailed naming the Jinja error if the template does not render."""
    source = io.BytesIO(template) if isinstance(template, bytes) else template
    try:
        document = DocxTemplate(source)
        document.render(context, jinja_env=jinja_environment(), autoescape=True)
        buffer = io.BytesIO()
        document.save(buffer)
    except Exception as exc:
        raise DocumentFailed(f"模板无法填充：{type(exc).__name__}: {exc}") from exc
    return reproducible_zip(buffer.getvalue())


def convert_to_pdf(docx: bytes, *, timeout: float | None = None, command: str | None = None) -> bytes:
    """PDF of the DOCX by LibreOffice headless, in a profile of its own; killed after `timeout` seconds."""
    return convert_all([docx], timeout=timeout, command=command)[0]


def convert_all(documents: list[bytes], *, timeout: float | None = None, command: str | None = None) -> list[bytes]:
    """PDFs of several DOCX documents from one LibreOffice run (its start costs more than a document), in their
    order; `timeout` seconds per document (soffice.py).

    timeout, command: default the DOCUMENT_PDF_TIMEOUT_SECONDS and DOCUMENT_CONVERTER settings."""
    timeout = timeout or current_app.config["DOCUMENT_PDF_TIMEOUT_SECONDS"]
    command = command or current_app.config["DOCUMENT_CONVERTER"]
    try:
        return convert_many(documents, timeout=timeout, command=command)
    except ConversionError as exc:
        raise DocumentFailed(str(exc)) from exc
