"""Security headers on pages, API answers and downloads; downloads are attachments with a safe file name;
the templates carry no inline script the policy would refuse."""
import io
import re
from pathlib import Path

import pytest

from review_service.headers import OTHER_POLICY, PAGE_POLICY, safe_filename

from .processes.overrides import GUANGDONG_PROFILE, upload

TEMPLATES = Path(__file__).resolve().parent.parent / "review_service" / "web" / "templates"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _common(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_get_the_strict_policy(client):
    response = client.get("/login")
    _common(response)
    policy = response.headers["Content-Security-Policy"]
    assert policy == PAGE_POLICY
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy and "'unsafe-eval'" not in policy


@pytest.mark.parametrize("path", ["/api/v1/auth/me", "/api/openapi.json", "/healthz", "/static/js/case.js"])
def test_everything_else_can_run_nothing(client, path):
    response = client.get(path)
    _common(response)
    assert response.headers["Content-Security-Policy"] == OTHER_POLICY


def test_an_attachment_downloads_as_an_attachment_with_a_safe_name(as_user):
    handler = as_user("handler")
    uploaded = handler.client.post("/api/v1/attachments", headers=handler.headers, content_type="multipart/form-data",
                                   data={"file": (io.BytesIO(PDF), '调查报告;x=1.pdf')})
    assert uploaded.status_code == 201, uploaded.get_json()
    response = handler.get(f"/api/v1/attachments/{uploaded.get_json()['id']}")
    _common(response)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    ascii_part = re.search(r'filename="([^"]*)"', disposition).group(1)
    assert '"' not in ascii_part and ";" not in ascii_part
    assert "filename*=UTF-8''" in disposition and "%E8%B0%83%E6%9F%A5" in disposition  # 调查


def test_a_process_file_downloads_as_an_attachment(as_user):
    designer = as_user("designer")
    assert upload(designer, "city", {"profile.json": GUANGDONG_PROFILE}).status_code == 201
    response = designer.get("/api/v1/agencies/city/processes/1?file=profile.json")
    _common(response)
    assert response.headers["Content-Disposition"] == \
        "attachment; filename=\"v1-profile.json\"; filename*=UTF-8''v1-profile.json"


@pytest.mark.parametrize("name, safe", [
    ("../../etc/passwd", "passwd"), ("C:\\Users\\x\\报告.pdf", "报告.pdf"), ('a"b;c.pdf', "a_b_c.pdf"),
    ("line\r\nbreak.pdf", "linebreak.pdf"), ("\u202eevil.pdf", "evil.pdf"), ("", "download"), (" . ", "download"),
])
def test_safe_filename(name, safe):
    assert safe_filename(name) == safe


def test_templates_have_no_inline_scripts_or_handlers():
    for template in TEMPLATES.rglob("*.html"):
        html = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (template.name, tag)
        assert not re.search(r"\son[a-z]+\s*=", html), template.name
        assert "javascript:" not in html, template.name
