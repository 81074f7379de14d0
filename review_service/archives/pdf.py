"""DOCX -> PDF with LibreOffice headless (the converter the agency documents use too), within a time limit.

Why LibreOffice: a document exists once, as a DOCX a designer can open and change, and its PDF is the same
layout with the Chinese glyphs embedded (Debian's fonts-noto-cjk); a pure-Python PDF library would need a
second layout of every document. Each conversion uses its own LibreOffice profile folder, so several
workers may convert at once.
"""
import subprocess
import tempfile
from pathlib import Path

SOFFICE = "soffice"
TIME_LIMIT_SECONDS = 120


class PdfConversionFailed(RuntimeError):
    """LibreOffice is missing, failed, or took longer than the time limit."""


def docx_to_pdf(docx: bytes, *, timeout: float = TIME_LIMIT_SECONDS) -> bytes:
    """The PDF of a DOCX (as bytes); raise PdfConversionFailed rather than hang or return nothing."""
    with tempfile.TemporaryDirectory(prefix="review-pdf-") as folder:
        work = Path(folder)
        (work / "document.docx").write_bytes(docx)
        command = [SOFFICE, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work), str(work / "document.docx")]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=timeout)
        except FileNotFoundError as exc:
            raise PdfConversionFailed("LibreOffice (soffice) is not installed") from exc
        except subprocess.TimeoutExpired as exc:
            raise PdfConversionFailed(f"LibreOffice took longer than {timeout:g} s") from exc
        except subprocess.CalledProcessError as exc:
            raise PdfConversionFailed(f"LibreOffice failed: {exc.stderr.decode(errors='replace')[-500:]}") from exc
        pdf = work / "document.pdf"
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise PdfConversionFailed("LibreOffice wrote no PDF")
        return pdf.read_bytes()
