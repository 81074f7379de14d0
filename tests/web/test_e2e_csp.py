"""Every page works under the Content-Security-Policy (bpmn-js, json-editor, ECharts included): each role
opens its pages in chromium, waits for what makes the page useful, and any CSP violation or console error fails."""
import json

import pytest

from review_service.headers import PAGE_POLICY

from ..factories import browser_login, decision, review
from ..processes.overrides import GUANGDONG_PROFILE, upload

FORM_READY = '#form-editor[data-ready="true"]'
CHARTS_READY = "#chart-staffing[data-chart-ready='1'] canvas"
ROLES = ("handler", "reviewer", "head", "designer", "supervisor", "admin")
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def _open_task(client, case_id, name):
    return client.open_task(case_id, name)["id"]


@pytest.fixture
def pages(as_user):
    """role -> [(path, selector that shows the page works)], over cases in every state the pages show."""
    handler, reviewer, head = as_user("handler"), as_user("reviewer"), as_user("head")
    waiting = handler.submit()["id"]
    reviewing = handler.submit(case_number="市监罚〔2026〕2号")["id"]
    reviewer.complete(reviewing, "accept_submission", {"result": "accept"})
    decided = handler.submit(case_number="市监罚〔2026〕3号")["id"]
    for client, step, data in ((reviewer, "accept_submission", {"result": "accept"}),
                               (reviewer, "review_case", review("approve"))):
        client.complete(decided, step, data)
    deciding = _open_task(head, decided, "record_decision")
    head.complete(decided, "record_decision", decision())
    for profile in (GUANGDONG_PROFILE, {**GUANGDONG_PROFILE, "time_limits": {"review_working_days": 10}}):
        files = {"profile.json": json.dumps(profile, ensure_ascii=False)}
        assert upload(as_user("designer"), "city", files).status_code == 201
    case_page = (f"/cases/{waiting}", "#diagram[data-loaded='accept_submission']")
    return {
        "handler": [("/inbox", "#inbox-table, main"), ("/inbox/done", "main"), ("/cases", "main"),
                    ("/cases/new", FORM_READY), case_page, ("/notifications", "main"),
                    (f"/cases/{decided}/withdrawals", "form[action$='/withdrawals']")],
        "reviewer": [(f"/tasks/{_open_task(reviewer, waiting, 'accept_submission')}", FORM_READY),
                     (f"/tasks/{_open_task(reviewer, reviewing, 'review_case')}",
                      "#checklist-form input[type=radio]"),
                     case_page],
        "head": [("/dashboard", CHARTS_READY), (f"/cases/{decided}", "#diagram[data-loaded]"), ("/inbox", "main")],
        "designer": [("/designer", "main"), ("/designer/editor", "#designer-canvas [data-element-id='review_case']"),
                     ("/designer/diff?from=1&to=2", "body[data-diff-ready='1']"),
                     ("/designer/versions/2/migration", "main")],
        "supervisor": [("/dashboard", CHARTS_READY)],
        "admin": [("/dashboard", CHARTS_READY), ("/designer/versions/2/migration", "main")],
        "_decision_task": deciding,
    }


@pytest.mark.e2e
def test_every_page_works_under_the_policy(browser_page, pages):
    """Each role in turn (one world of cases built once; cookies cleared between the roles) logs in on the login
    page and opens its pages: a page that fails names its role."""
    page = browser_page
    problems = []
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" else None)
    page.on("response", lambda answer: problems.append(f"{answer.status} {answer.url}")
            if answer.status >= 400 else None)
    page.context.add_init_script(RECORD_VIOLATIONS)
    for role in ROLES:
        page.context.clear_cookies()
        response = page.goto("/login")
        assert response.headers["content-security-policy"] == PAGE_POLICY
        browser_login(page, role)
        for path, ready in pages[role]:
            response = page.goto(path)
            assert response.status == 200, (role, path)
            policy = response.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in policy
            assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
            page.locator(ready).first.wait_for()
            violations = page.evaluate("window.__cspViolations")
            assert violations == [], (role, path, violations)
        assert problems == [] and page.js_errors == [], [role, *problems, *page.js_errors]


@pytest.mark.e2e
def test_an_inline_script_would_be_refused(browser_page):
    """The policy is enforced, not only sent: a script injected into the page does not run."""
    page = browser_page
    page.checks.allow_console("violates the following Content Security Policy")  # the refusal this test wants
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.goto("/login")
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.__ran = true'; document.body.appendChild(s); }""")
    assert page.evaluate("window.__ran === undefined")
    assert any(v.startswith("script-src") for v in page.evaluate("window.__cspViolations"))
