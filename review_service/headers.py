"""Security headers on every response, and downloads as attachments with a safe file name.

Pages get a strict Content-Security-Policy: scripts only from this site (the vendored libraries under
/static; no inline scripts: data reaches them through data- attributes or <script type="application/json">),
styles from this site plus inline style attributes (bpmn-js, json-editor and ECharts set them), images
also as data:/blob: URLs (bpmn-js, ECharts exports), nothing may frame a page. Every other response
(JSON, downloads, static files) gets `default-src 'none'; sandbox`: opened directly, it can run nothing.
"""
import re
import unicodedata
from urllib.parse import quote

from flask import Flask, Response

PAGE_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
    "font-src 'self' data:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
    "frame-ancestors 'none'",
))
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY",
          "Cross-Origin-Opener-Policy": "same-origin"}


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    for name, value in COMMON.items():
        response.headers.setdefault(name, value)
    html = response.mimetype == "text/html"
    response.headers.setdefault("Content-Security-Policy", PAGE_POLICY if html else OTHER_POLICY)
    return response


def safe_filename(name: str, fallback: str = "download") -> str:
    """A file name that is safe in a header and on any disk: no path, no control or quoting characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # control, format, surrogates
    name = re.sub(r'[";:<>|?*]', "_", name).strip(" .")
    return name[:150] or fallback


def as_attachment(response: Response, filename: str) -> Response:
    """Mark the response as a download named `filename` (ASCII fallback and the RFC 5987 UTF-8 form)."""
    name = safe_filename(filename)
    ascii_name = name.encode("ascii", "ignore").decode().strip() or "download" + "".join(
        re.findall(r"\.[A-Za-z0-9]{1,8}$", name))
    response.headers["Content-Disposition"] = (f"attachment; filename=\"{ascii_name}\"; "
                                               f"filename*=UTF-8''{quote(name, safe='')}")
    return response
