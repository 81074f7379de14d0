"""Documents (审核意见书 ...): their text as DOCX and PDF, and LibreOffice required or skipped."""
import io
import os
import shutil
import subprocess

import pytest


def docx_text(payload: bytes) -> str:
    """Every paragraph and table cell of a DOCX (python-docx), one per line."""
    from docx import Document
    document = Document(io.BytesIO(payload))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def pdf_text(payload: bytes) -> str:
    """The text of a PDF as pdftotext (poppler-utils) extracts it."""
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=payload, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def require_libreoffice() -> None:
    """Skip a test that builds a PDF when LibreOffice (soffice) is missing, unless REQUIRE_PDF=1 (.ci/run)."""
    if shutil.which("soffice") is None:
        if os.environ.get("REQUIRE_PDF") == "1":
            pytest.fail("REQUIRE_PDF=1 but LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
        pytest.skip("LibreOffice not installed: archive package tests skipped "
                    "(apt-get install libreoffice-writer-nogui)")
