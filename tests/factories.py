"""Shared test helpers: the seed's constants, form payloads, an API client and small case drivers.

Test modules import helpers from here (or from a helper module such as processes/overrides.py), never from
another test module or a conftest: tests/test_suite_layout.py checks it.
"""
import copy
import io
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from freezegun import freeze_time
from sqlalchemy import event, select

from review_service.accounts.service import create_user
from review_service.agencies.models import Agency
from review_service.cases.models import OPEN, Task
from review_service.china_time import today_in_china
from review_service.engine.scripting import make_script_engine
from review_service.extensions import db
from review_service.processes.models import ProcessVersion, WorkflowInstance
from review_service.processes.service import publish_version, read_process_files
from review_service.staffing.models import StaffMember


def _worker_database(url: str | None) -> str | None:
    """Under pytest-xdist each worker has its own PostgreSQL database: <name>_<worker id>, e.g. test_gw0."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base, query_mark, query = url.partition("?")
    return f"{base}_{worker}{query_mark}{query}"


PG_URL = _worker_database(os.environ.get("TEST_DATABASE_URL"))  # this process's test database (None: SQLite)

# Every test runs on this instant (Beijing 09:00 on a Monday the calendar covers), ticking from there, so
# deadlines and statutory caps computed from "today" never depend on the day the suite runs. A test that
# needs another instant freezes its own inside this one.
TEST_NOW = "2026-11-02 01:00:00"
PASSWORD = "Correct horse battery 9"
USERS = [  # username, roles, agency code
    ("handler", ["handler"], "city"), ("handler2", ["handler"], "city"),
    ("reviewer", ["reviewer"], "city"), ("reviewer2", ["reviewer"], "city"),
    ("head", ["head"], "city"), ("supervisor", ["supervisor"], "province"),
    ("designer", ["designer"], "city"), ("handler_reviewer", ["handler", "reviewer"], "city"),
    ("admin", ["admin"], "city"), ("other.handler", ["handler"], "other"), ("other.reviewer", ["reviewer"], "other"),
    ("other.head", ["head"], "other"),
]
STAFF_FROM = date(2020, 1, 1)
OFFICERS = {"city": 40, "other": 10}  # 5% rule: 2 and 1 reviewers required
BEIJING = timezone(timedelta(hours=8))
WORKDAYS_EXAMPLE = Path(__file__).parents[1] / "review_service" / "workdays" / "examples" / "2027-example.json"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def beijing(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=BEIJING)


CHECKLIST_POINTS = ("subject_and_qualification", "procedure", "facts_and_evidence",
                    "legal_basis_and_discretion", "authority", "documents", "crime_referral")


def submission(**overrides) -> dict:
    data = {
        "case_number": "市监罚〔2026〕1号",
        "title": "某公司销售不合格产品案",
        "decision_type": "administrative_penalty",
        "party": {"type": "legal_person", "name": "某某贸易有限公司"},
        "facts": "当事人销售不合格电线电缆。",
        "legal_basis": "《产品质量法》第四十九条",
        "proposed_decision": "没收违法所得二万元，并处罚款十五万元。",
        "fine_amount": 150000,
        "confiscation_amount": 20000,
        "sanctions": [],
        "hearing_held": False,
        "filed_on": "2026-09-01",
        "materials": [{"name": "调查终结报告", "category": "investigation_report"},
                      {"name": "行政处罚决定书（代拟稿）", "category": "decision_draft"}],
    }
    data.update(copy.deepcopy(overrides))
    return data


def checklist(**issues) -> dict:
    """All points pass, except those given as point=note (marked as issues)."""
    return {point: ({"verdict": "issue", "note": issues[point]} if point in issues else {"verdict": "pass"})
            for point in CHECKLIST_POINTS}


def review(opinion: str = "approve", **extra) -> dict:
    data = {"checklist": checklist(), "opinion": opinion, "opinion_text": "经审核，" + opinion}
    if opinion == "issues":
        data["checklist"] = checklist(legal_basis_and_discretion="裁量过重")
        data["suggestions"] = ["罚款数额超出裁量基准，建议调整"]
    if opinion == "transfer":
        data.update(transfer_target="市公安局", transfer_reasons="涉嫌生产、销售伪劣产品罪")
    data.update(extra)
    return data


def decision(**extra) -> dict:
    """The head's decision, dated today (Beijing; the frozen clock's day)."""
    return {"decision_text": "没收违法所得二万元，并处罚款十万元。", "decided_on": today_in_china().isoformat(),
            "document_number": "市监罚决〔2026〕1号", **extra}


class ApiClient:
    """A Flask test client that sends one user's bearer token."""

    def __init__(self, client, token: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    @classmethod
    def logged_in(cls, client, username: str, password: str) -> "ApiClient":
        response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, response.get_json()
        return cls(client, response.get_json()["token"])

    def get(self, path: str, **kwargs):
        return self.client.get(path, headers=self.headers, **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.client.post(path, json=json, headers=self.headers, **kwargs)

    def put(self, path: str, json=None, **kwargs):
        return self.client.put(path, json=json, headers=self.headers, **kwargs)

    def submit(self, **overrides) -> dict:
        response = self.post("/api/v1/cases", json=submission(**overrides))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def case(self, case_id: int) -> dict:
        response = self.get(f"/api/v1/cases/{case_id}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def open_task_id(self, case_id: int, name: str) -> str:
        with self.client.application.app_context():
            ids = db.session.scalars(select(Task.id).where(Task.case_id == case_id, Task.name == name,
                                                           Task.status == OPEN)).all()
        assert len(ids) == 1, f"expected one open {name} in case {case_id}, got {len(ids)}"
        return ids[0]

    def open_task(self, case_id: int, name: str) -> dict:
        tasks = [t for t in self.case(case_id)["open_tasks"] if t["name"] == name]
        assert len(tasks) == 1, f"expected one open {name}, got {self.case(case_id)['open_tasks']}"
        return tasks[0]

    def complete(self, case_id: int, name: str, data: dict, expect: int = 200) -> dict:
        """Complete the case's one open task called name (its id read from the database, not through a
        GET of the whole case: the POST is what is tested)."""
        response = self.post(f"/api/v1/tasks/{self.open_task_id(case_id, name)}/complete", json={"data": data})
        assert response.status_code == expect, response.get_json()
        return response.get_json()


# --- drivers: each moves a case one step through the API and returns what the caller needs ----------------

def under_review(as_user, **overrides) -> int:
    """Submit a case and have the reviewer accept it; returns the case id."""
    case = as_user("handler").submit(**overrides)
    as_user("reviewer").complete(case["id"], "accept_submission", {"result": "accept"})
    return case["id"]


def find_issues(as_user, case_id):
    as_user("reviewer").complete(case_id, "review_case", review("issues"))


def correct(as_user, case_id, **updated):
    as_user("handler").complete(case_id, "respond_to_opinion",
                                {"action": "correct", "correction_summary": "已按审核意见整改", "updated": updated})


def in_coordination(as_user) -> int:
    """Issues, correction, issues again (round 2), then the handler disagrees."""
    case_id = under_review(as_user)
    find_issues(as_user, case_id)
    correct(as_user, case_id, fine_amount=120000)
    find_issues(as_user, case_id)
    as_user("handler").complete(case_id, "respond_to_opinion",
                                {"action": "disagree", "disagreement_reasons": "裁量适当，不同意审核意见"})
    return case_id


def post_decision(client, case_id, **extra):
    return client.post(f"/api/v1/cases/{case_id}/decision", json={"data": decision(**extra)})


def submit_unfiled(as_user, **overrides) -> dict:
    """Submit a case without a 立案 date (no Art. 60 cap)."""
    data = {key: value for key, value in submission(**overrides).items() if key != "filed_on"}
    response = as_user("handler").post("/api/v1/cases", json=data)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def accepted_case(as_user, day="2026-04-30") -> int:
    """An unfiled case submitted and accepted on `day` (Beijing); returns its id."""
    with freeze_time(beijing(day)):
        case = submit_unfiled(as_user)
        as_user("reviewer").complete(case["id"], "accept_submission", {"result": "accept"})
    return case["id"]


def return_and_supply(as_user, case_id, returned_on, supplied_on) -> tuple[dict, dict]:
    """The reviewer returns the case for materials, the handler supplies them; the review deadline after each."""
    reviewer, handler = as_user("reviewer"), as_user("handler")
    with freeze_time(beijing(returned_on)):
        reviewer.complete(case_id, "accept_submission", {"result": "return", "missing_materials": ["听证笔录"]})
        paused = next(d for d in reviewer.case(case_id)["deadlines"] if d["kind"] == "review")
    with freeze_time(beijing(supplied_on)):
        handler.complete(case_id, "supply_materials", {"materials": [
            {"name": "听证笔录", "category": "hearing_record"}]})
    return paused, review_deadline(reviewer.case(case_id))


def review_deadline(case: dict) -> dict:
    """The case's one running or paused review deadline."""
    [deadline] = [d for d in case["deadlines"] if d["kind"] == "review" and d["status"] in ("running", "paused")]
    return deadline


def notifications(client) -> list[tuple[str, int]]:
    return [(n["kind"], n["case_id"]) for n in client.get("/api/v1/notifications").get_json()["items"]]


def upload_attachment(api, content: bytes, filename: str):
    return api.client.post("/api/v1/attachments", headers=api.headers, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(content), filename)})


# --- direct database helpers (outside any request; they commit, as a CLI command would) ------------------

def add_user(app, username: str, role: str, agency: str = "city") -> ApiClient:
    """A new user of that agency with one role, logged in."""
    with app.app_context():
        agency_id = db.session.scalar(select(Agency.id).where(Agency.code == agency))
        create_user(agency_id=agency_id, username=username, full_name=username, password=PASSWORD, roles=[role])
        db.session.commit()
    return ApiClient.logged_in(app.test_client(), username, PASSWORD)


def publish_agency_process(app, replace: tuple[str, str]) -> None:
    """Publish the default process for the city agency with one text replaced in its BPMN."""
    with app.app_context():
        files = read_process_files(app.config["WORKFLOWS_DIR"] / "default")
        files["legal_review.bpmn"] = files["legal_review.bpmn"].replace(
            replace[0].encode(), replace[1].encode())
        assert replace[1].encode() in files["legal_review.bpmn"]
        city = db.session.scalar(select(Agency).where(Agency.code == "city"))
        publish_version(files, agency_id=city.id)
        db.session.commit()


def version_of_case(app, case_id: int) -> tuple[int | None, int]:
    """(agency id, number) of the process version a case runs on."""
    with app.app_context():
        instance = db.session.get(WorkflowInstance, case_id)
        version = db.session.get(ProcessVersion, instance.process_version_id)
        return version.agency_id, version.number


# --- pages: a logged-in test client for server-rendered pages, and the browser tests' steps ----------------

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "screenshots"


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class PageClient:
    """A test client logged in through the login page, posting forms with their CSRF token."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def login(self, username: str, password: str = PASSWORD):
        page = self.client.get("/login")
        response = self.client.post("/login", data={"username": username, "password": password,
                                                     "csrf_token": csrf_token(page.get_data(as_text=True))})
        assert response.status_code == 302, response.get_data(as_text=True)
        self.token = csrf_token(self.client.get("/inbox").get_data(as_text=True))
        return self

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data=None, **kwargs):
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kwargs)


def browser_login(page, username: str, password: str = PASSWORD):
    """Log in by typing the login form (opened unless the page shows it already, as after a logout)."""
    if not re.search(r"/login(\?|$)", page.url):
        page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/inbox.*"))


def browser_session(page, username: str, then: str | None = "/inbox", password: str = PASSWORD):
    """Log in without drawing the login page: the context's own request client posts the login form (CSRF token
    included) as the page would, so the session cookie lands in the browser; then the page opens `then`. For tests
    of something else than logging in (test_login.py and the forced password change type the form)."""
    form = page.context.request.get("/login")
    answer = page.context.request.post("/login", max_redirects=0, form={
        "username": username, "password": password, "csrf_token": csrf_token(form.text())})
    assert answer.status == 302 and not answer.headers["location"].endswith("/login"), answer.text()[:2000]
    if then:
        page.goto(then)


def browser_logout(page):
    """Log out with the navigation bar's button (on a phone, the menu is opened first)."""
    if page.locator(".navbar-toggler").is_visible():
        page.click(".navbar-toggler")
        page.wait_for_selector("#nav.show")  # opened (the collapse animation over)
    page.click("nav form[action='/logout'] button")
    page.wait_for_url(re.compile(r".*/login.*"))


def screenshot(page, name: str, *, full_page: bool = False) -> Path:
    """Keep a screenshot as a test artifact.

    full_page=True only as a page's last step: after a full-page capture Chromium's clicks on that page
    land off target (seen with Chromium 156 headless), so a test that goes on clicking takes the viewport.
    """
    checks = getattr(page, "checks", None)
    if checks is not None:  # a browser_page: <test>-<step>-<name>.png, and the page checked as it is now
        checks.final()
        return checks.screenshot_step(name, full_page=full_page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


# --- documents (审核意见书 ...) ---------------------------------------------------------------------------

def run_due_jobs(app, *, batch: int = 100) -> list:
    """Worker iterations in the test's process until none is left: every job due now runs (timers, then the
    PDF conversions and archive packages, one per iteration as the worker takes them)."""
    from review_service.jobs.worker import work_once
    results: list = []
    with app.app_context():
        while found := work_once("test-worker", batch=batch):
            results += found
        db.session.remove()
    return results


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
    import subprocess
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=payload, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def create_agency_with_users(code: str, roles=("handler", "reviewer", "head"), *, name: str | None = None):
    """A new top-level agency and one user per role (username code.role, full name code+role), the reviewer
    with a 法律职业资格 number. Call inside an app context; commits."""
    from review_service.staffing.models import StaffMember
    agency = Agency(code=code, name=name or f"{code} 示例局", level="city")
    db.session.add(agency)
    db.session.flush()
    for role in roles:
        user = create_user(agency_id=agency.id, username=f"{code}.{role}", full_name=f"{code}{role}",
                           password=PASSWORD, roles=[role])
        if role == "reviewer":
            db.session.add(StaffMember(agency_id=agency.id, kind="legal_reviewer", name=user.full_name,
                                       user_id=user.id, legal_qualification_no=f"A2019{user.id:07d}",
                                       valid_from=date(2020, 1, 1)))
    db.session.commit()
    return agency


def case_documents(client, case_id) -> list[dict]:
    """GET /api/v1/cases/{id}/documents: the items."""
    response = client.get(f"/api/v1/cases/{case_id}/documents")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return response.data


def opinion_issued(as_user, opinion: str = "issues") -> int:
    """A case submitted, accepted and given a round-1 opinion; returns its id."""
    case_id = as_user("handler").submit()["id"]
    as_user("reviewer").complete(case_id, "accept_submission", {"result": "accept"})
    as_user("reviewer").complete(case_id, "review_case", review(opinion))
    return case_id


def require_libreoffice() -> None:
    """Skip a test that builds a PDF when LibreOffice (soffice) is missing, unless REQUIRE_PDF=1 (.ci/run)."""
    import os
    import shutil

    import pytest
    if shutil.which("soffice") is None:
        if os.environ.get("REQUIRE_PDF") == "1":
            pytest.fail("REQUIRE_PDF=1 but LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
        pytest.skip("LibreOffice not installed: archive package tests skipped "
                    "(apt-get install libreoffice-writer-nogui)")


# --- BPMN scripts -------------------------------------------------------------------------------------

DEFAULT_BPMN = Path(__file__).resolve().parents[1] / "workflows" / "default" / "legal_review.bpmn"


def with_script_after_acceptance(script: str) -> bytes:
    """The default process with a script task between acceptance and its gateway."""
    xml = DEFAULT_BPMN.read_text(encoding="utf-8")
    xml = xml.replace('<bpmn:sequenceFlow id="f_acceptance_done" sourceRef="accept_submission" '
                      'targetRef="gw_acceptance" />',
                      '<bpmn:sequenceFlow id="f_acceptance_done" sourceRef="accept_submission" targetRef="sneaky" />'
                      '<bpmn:scriptTask id="sneaky" name="脚本"><bpmn:incoming>f_acceptance_done</bpmn:incoming>'
                      '<bpmn:outgoing>f_sneaky_done</bpmn:outgoing>'
                      f'<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
                      '<bpmn:sequenceFlow id="f_sneaky_done" sourceRef="sneaky" targetRef="gw_acceptance" />')
    xml = xml.replace("<bpmn:incoming>f_acceptance_done</bpmn:incoming>\n      <bpmn:outgoing>",
                      "<bpmn:incoming>f_sneaky_done</bpmn:incoming>\n      <bpmn:outgoing>", 1)
    assert 'id="sneaky"' in xml
    return xml.encode()


def run_script(source: str, data: dict | None = None) -> dict:
    """Execute a snippet in the restricted engine (no helpers); the resulting variables."""
    env = make_script_engine().environment
    context = dict(data or {})
    env.execute(source, context)
    return context


def three_cases(as_user, frozen_clock) -> dict:
    """Cases 1 (a company), 2 (Latin title) and 3 (a restaurant), submitted on 10, 11 and 12 October;
    case 2 accepted, so it has a reviewer, a review step and a due date."""
    handler = as_user("handler")
    ids = {}
    for number, day, title, party in ((1, "2026-10-10", "某公司销售不合格产品案", "某某贸易有限公司"),
                                      (2, "2026-10-11", "ABC Trading 无证经营案", "张三"),
                                      (3, "2026-10-12", "李四餐饮店食品安全案", "李四餐饮店")):
        frozen_clock.move_to(beijing(day))
        ids[number] = handler.submit(case_number=f"市监罚〔2026〕{number}号", title=title,
                                     party={"type": "natural_person", "name": party})["id"]
    frozen_clock.move_to(beijing("2026-10-13"))
    as_user("reviewer").complete(ids[2], "accept_submission", {"result": "accept"})
    return ids


def short_of_reviewers(app, code: str) -> None:
    """11 more officers for the agency `code`: its 21 need 2 reviewers; it has 1 (the 5% rule is not met)."""
    with app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.code == code))
        db.session.add_all(StaffMember(agency_id=agency.id, kind="enforcement_officer", name=f"新增{n}",
                                       enforcement_certificate_no=f"{code}-y{n}", valid_from=STAFF_FROM)
                           for n in range(11))
        db.session.commit()


@contextmanager
def statements_sent() -> Iterator[list[str]]:
    """The SQL statements the app's engine sends inside the block (on SQLite its BEGIN too), as a list."""
    sent: list[str] = []

    def record(_connection, _cursor, statement, *_args):
        sent.append(statement)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
