"""DOCX -> PDF for the archive package: the documents' own converter (LibreOffice headless, a profile per
conversion, the whole process group killed at the time limit, the CJK fonts mapped), with the archive's errors.
"""
from ..documents.render import DocumentFailed, convert_to_pdf

SOFFICE = "soffice"  # the worker may build outside an application context, so not the setting
TIME_LIMIT_SECONDS = 120


class PdfConversionFailed(RuntimeError):
    """LibreOffice is missing, failed, or took longer than the time limit."""


def docx_to_pdf(docx: bytes, *, timeout: float = TIME_LIMIT_SECONDS) -> bytes:
    """The PDF of a DOCX (as bytes); raise PdfConversionFailed rather than hang or return nothing."""
    try:
        return convert_to_pdf(docx, timeout=timeout, command=SOFFICE)
    except DocumentFailed as failure:
        raise PdfConversionFailed(f"LibreOffice: {failure}") from failure
