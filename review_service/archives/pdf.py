"""DOCX -> PDF for the archive package: the documents' own converter (LibreOffice headless, a profile per
run, the whole process group killed at the time limit, the CJK fonts mapped), with the archive's errors.
"""
from ..documents.render import DocumentFailed, convert_all

SOFFICE = "soffice"  # the worker may build outside an application context, so not the setting
TIME_LIMIT_SECONDS = 120  # per document


class PdfConversionFailed(RuntimeError):
    """LibreOffice is missing, failed, or took longer than the time limit."""


def docx_to_pdfs(documents: list[bytes], *, timeout: float = TIME_LIMIT_SECONDS) -> list[bytes]:
    """The PDFs of DOCX documents, in their order, from one LibreOffice run (its start is most of the cost); raise
    PdfConversionFailed rather than hang or return nothing."""
    try:
        return convert_all(documents, timeout=timeout, command=SOFFICE)
    except DocumentFailed as failure:
        raise PdfConversionFailed(f"LibreOffice: {failure}") from failure
