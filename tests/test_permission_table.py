"""README's "Who may read and write what", walked cell by cell.

The table is parsed from README.md; every row must have a request here (and every request a row), so the
table and the service cannot drift apart. Each role is a user of the agency `city`; each row's request is
made against an object of the caller's own agency (own), of an agency below it (sub: `district`), of the
agency above it (up: `province`) and of a sibling agency (other: `other`); rows about the caller alone walk
one request (self, the rows in SELF_ROWS, whose cells say yes or —). A cell lists the scopes allowed: the
answer must be 2xx there (and, for a list, hold the object) and 403/404 (or a list without it) elsewhere. The
request made must be the one the row's Request column names. The world is built once for the module, and the
writes walked leave it as the other rows need it. PERMISSION_TABLE_PRINT=1 (with -s) prints each row as the
service answers it, to write a changed row.
"""
import io
import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from review_service.accounts.roles import Role
from review_service.accounts.service import create_user
from review_service.agencies.models import Agency
from review_service.cases.models import Task
from review_service.documents.models import CaseDocument
from review_service.extensions import db
from review_service.processes.service import publish_version, read_process_files
from review_service.staffing.models import StaffMember

from .factories import PASSWORD, PDF, STAFF_FROM, ApiClient, submission, upload_attachment

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
SCOPES = ("own", "sub", "up", "other")
AGENCY_OF = {"own": "city", "sub": "district", "up": "province", "other": "other"}
NONE = "—"


def table_rows() -> tuple[dict[str, dict[str, set[str]]], dict[str, str]]:
    """({row name: {role: allowed scopes}}, {row name: its request cell}) from the README's table."""
    start = README.index("## Who may read and write what")
    end = README.find("\n## ", start + 1)
    lines = [line for line in README[start:end].splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    roles = header[2:]
    assert set(roles) == set(Role), f"the table's role columns differ from Role: {set(roles) ^ set(Role)}"
    rows, requests = {}, {}
    for line in lines[1:]:  # the header's |---| line does not begin with '| '
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert len(cells) == len(header) and cells[0] not in rows, line
        rows[cells[0]] = {role: _scopes(cell) for role, cell in zip(roles, cells[2:], strict=True)}
        requests[cells[0]] = cells[1]
    return rows, requests


def _described(cell: str, call: "Call") -> bool:
    """Whether the README's request cell (`METHOD /path/{placeholder}`, under /api/v1) is the request made."""
    method, template = cell.split("`")[1].split(" ", 1)
    pattern = re.sub(r"\\\{\w+\\\}|…", "[^/?&]+", re.escape(template).replace("\\…", "…"))
    return method == call.method and re.fullmatch(f"/api/v1{pattern}(\\?.*)?", call.path) is not None


def _scopes(cell: str) -> set[str]:
    if cell == NONE:
        return set()
    if cell == "yes":
        return {"self"}
    scopes = {token.strip() for token in cell.split(",")}
    assert scopes <= {*SCOPES, "self"}, cell
    return scopes


@dataclass
class Call:
    method: str
    path: str
    json: dict | None = None
    data: dict | None = None
    listed: Callable[[dict], bool] | None = None  # for a list: whether the answer holds the object
    absent: str | None = None  # the 404's code when the caller may read it but nothing is set


@dataclass
class World:
    """What the rows' requests point at, per agency code."""

    app: object
    clients: dict[str, ApiClient]
    cases: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, str] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    attached: dict[str, str] = field(default_factory=dict)
    loose: dict[str, str] = field(default_factory=dict)  # an upload of the agency's handler, not attached
    staff: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))


def _items_with(key: str, value) -> Callable[[dict], bool]:
    return lambda body: any(item.get(key) == value for item in body["items"])


def _files(world: World) -> dict:
    files = read_process_files(world.app.config["WORKFLOWS_DIR"] / "default")
    return {"files": [(io.BytesIO(content), name) for name, content in files.items()]}


def _self_upload(world: World, actor: ApiClient) -> Call:
    attachment_id = upload_attachment(actor, PDF, "own.pdf").get_json()["id"]
    return Call("GET", f"/api/v1/attachments/{attachment_id}")


FACTS = {"decision_type": "administrative_penalty", "party_type": "legal_person", "fine_amount": 150000}
# row name -> (world, agency code or None for self rows, the caller) -> the request
REQUESTS: dict[str, Callable[[World, str, ApiClient], Call]] = {
    "Agency": lambda w, a, _: Call("GET", f"/api/v1/agencies/{a}"),
    "Agency in the list": lambda w, a, _: Call("GET", "/api/v1/agencies", listed=_items_with("code", a)),
    "Agency, edit": lambda w, a, _: Call("PATCH", f"/api/v1/agencies/{a}", json={"level": "city"}),
    "Staffing (5% rule)": lambda w, a, _: Call("GET", f"/api/v1/agencies/{a}/staffing"),
    "Staff list": lambda w, a, _: Call("GET", f"/api/v1/agencies/{a}/staff"),
    "Staff record": lambda w, a, _: Call("GET", f"/api/v1/staff/{w.staff[a]}"),
    "Staff record, register": lambda w, a, _: Call("POST", f"/api/v1/agencies/{a}/staff", json={
        "kind": "enforcement_officer", "name": f"新人{next(w.counter)}", "valid_from": "2026-01-01",
        "enforcement_certificate_no": f"pt-new-{next(w.counter)}"}),
    "Staff record, edit": lambda w, a, _: Call("PATCH", f"/api/v1/staff/{w.staff[a]}", json={"note": "核对"}),
    "Process versions": lambda w, a, _: Call("GET", f"/api/v1/agencies/{a}/processes"),
    "Process version files": lambda w, a, _: Call("GET", f"/api/v1/agencies/{a}/processes/{w.versions[a]}"),
    "Process diff": lambda w, a, _: Call(
        "GET", f"/api/v1/agencies/{a}/processes/diff?from={w.versions[a]}&to={w.versions[a]}"),
    "Running cases, move to a version (dry run)": lambda w, a, _: Call(
        "POST", f"/api/v1/agencies/{a}/processes/migrations?to={w.versions[a]}&dry_run=true"),
    "Process, publish": lambda w, a, _: Call("POST", f"/api/v1/agencies/{a}/processes", data=_files(w)),
    "Catalog": lambda w, a, _: Call("GET", f"/api/v1/agencies/{a}/catalog"),
    "Catalog, evaluate facts": lambda w, a, _: Call("POST", f"/api/v1/agencies/{a}/catalog/evaluate", json=FACTS),
    "Case in the list": lambda w, a, _: Call("GET", "/api/v1/cases", listed=_items_with("id", w.cases[a])),
    "Case": lambda w, a, _: Call("GET", f"/api/v1/cases/{w.cases[a]}"),
    "Case history": lambda w, a, _: Call("GET", f"/api/v1/cases/{w.cases[a]}/history"),
    "Case diagram": lambda w, a, _: Call("GET", f"/api/v1/cases/{w.cases[a]}/diagram"),
    "Case comments": lambda w, a, _: Call("GET", f"/api/v1/cases/{w.cases[a]}/comments"),
    "Case comment, write": lambda w, a, _: Call("POST", f"/api/v1/cases/{w.cases[a]}/comments",
                                                json={"text": "请注意期限"}),
    "Case documents": lambda w, a, _: Call("GET", f"/api/v1/cases/{w.cases[a]}/documents"),
    "Document download": lambda w, a, _: Call("GET", f"/api/v1/documents/{w.documents[a]}/docx"),
    "Archive packages": lambda w, a, _: Call("GET", f"/api/v1/cases/{w.cases[a]}/archive-packages"),
    "Eligible reviewers": lambda w, a, _: Call("GET", f"/api/v1/cases/{w.cases[a]}/eligible-reviewers"),
    "Task": lambda w, a, _: Call("GET", f"/api/v1/tasks/{w.tasks[a]}"),
    "Case, submit": lambda w, a, _: Call(
        "POST", "/api/v1/cases", json=submission(case_number=f"权限〔2026〕{next(w.counter)}号")),
    "Attachment, upload": lambda w, a, _: Call(
        "POST", "/api/v1/attachments", data={"file": (io.BytesIO(PDF), "a.pdf")}),
    "Attachment of a case": lambda w, a, _: Call("GET", f"/api/v1/attachments/{w.attached[a]}"),
    "Upload not yet attached, the caller's": lambda w, a, actor: _self_upload(w, actor),
    "Upload not yet attached, a colleague's": lambda w, a, _: Call("GET", f"/api/v1/attachments/{w.loose[a]}"),
    "Accounts": lambda w, a, _: Call("GET", f"/api/v1/users?agency={a}"),
    "Account": lambda w, a, _: Call("GET", f"/api/v1/users/{w.users[a]}"),
    "Account's change log": lambda w, a, _: Call("GET", f"/api/v1/users/{w.users[a]}/events"),
    "Account change log": lambda w, a, _: Call("GET", "/api/v1/users/events"),
    "Own account": lambda w, a, _: Call("GET", "/api/v1/auth/me"),
    "Own notifications": lambda w, a, _: Call("GET", "/api/v1/notifications"),
    "Own notice settings": lambda w, a, _: Call("GET", "/api/v1/notifications/settings"),
    "Dashboard": lambda w, a, _: Call("GET", f"/api/v1/dashboard?agency={a}"),
    "Report for the justice department": lambda w, a, _: Call(
        "GET", f"/api/v1/reports/review-work.xlsx?from=2026-01-01&to=2026-10-31&agency={a}"),
    "Working-day calendar": lambda w, a, _: Call("GET", "/api/v1/calendar/years"),
    "Overdue deadlines": lambda w, a, _: Call("GET", "/api/v1/deadlines/overdue"),
    "Upcoming deadlines": lambda w, a, _: Call("GET", "/api/v1/deadlines/upcoming"),
    "Job incidents": lambda w, a, _: Call("GET", "/api/v1/incidents"),
    "Mail server": lambda w, a, _: Call("GET", "/api/v1/notifications/mail-server", absent="mail_server_not_found"),
}
SELF_ROWS = {"Case, submit", "Attachment, upload", "Upload not yet attached, the caller's", "Own account",
             "Own notifications", "Own notice settings", "Working-day calendar", "Overdue deadlines",
             "Upcoming deadlines", "Account change log", "Job incidents", "Mail server"}
ROWS, REQUEST_CELLS = table_rows()


def _user(agency: Agency, username: str, roles: list[str]):
    user = create_user(agency_id=agency.id, username=username, full_name=username, password=PASSWORD, roles=roles)
    if Role.REVIEWER in roles:
        db.session.add(StaffMember(agency_id=agency.id, kind="legal_reviewer", name=username, user_id=user.id,
                                   legal_qualification_no=f"A2019{user.id:07d}", valid_from=STAFF_FROM))
    return user


def _agencies_and_people(app) -> dict[str, int]:
    """`district` below `city`; a handler and a reviewer in each agency walked; one user per role in city."""
    agencies = {a.code: a for a in db.session.scalars(select(Agency))}
    agencies["district"] = Agency(code="district", name="区市场监督管理局", level="county", parent=agencies["city"])
    db.session.add(agencies["district"])
    db.session.flush()
    handlers = {}
    for code in AGENCY_OF.values():
        handlers[code] = _user(agencies[code], f"pt.{code}.handler", [Role.HANDLER]).id
        _user(agencies[code], f"pt.{code}.reviewer", [Role.REVIEWER])
        db.session.add(StaffMember(agency_id=agencies[code].id, kind="enforcement_officer", name=f"{code}执法",
                                   enforcement_certificate_no=f"pt-{code}", valid_from=STAFF_FROM))
    for role in Role:
        _user(agencies["city"], f"pt.{role}", [role])
    files = read_process_files(app.config["WORKFLOWS_DIR"] / "default")
    versions = {code: publish_version(files, agency_id=agencies[code].id).number for code in AGENCY_OF.values()}
    db.session.commit()
    return {"handlers": handlers, "versions": versions}


def _build(app) -> World:
    with app.app_context():
        made = _agencies_and_people(app)
    client = app.test_client()
    world = World(app=app, clients={role: ApiClient.logged_in(client, f"pt.{role}", PASSWORD) for role in Role},
                  users=made["handlers"], versions=made["versions"])
    for number, code in enumerate(AGENCY_OF.values()):
        handler = ApiClient.logged_in(app.test_client(), f"pt.{code}.handler", PASSWORD)
        world.attached[code] = upload_attachment(handler, PDF, "证据.pdf").get_json()["id"]
        world.loose[code] = upload_attachment(handler, PDF, "草稿.pdf").get_json()["id"]
        materials = [{"name": "调查终结报告", "category": "investigation_report",
                      "attachment_ids": [world.attached[code]]}]
        world.cases[code] = handler.submit(case_number=f"表〔2026〕{number}号", materials=materials)["id"]
    with app.app_context():
        for code, case_id in world.cases.items():
            world.tasks[code] = db.session.scalar(select(Task.id).where(Task.case_id == case_id).limit(1))
            world.documents[code] = db.session.scalar(
                select(CaseDocument.id).where(CaseDocument.case_id == case_id).limit(1))
            world.staff[code] = db.session.scalar(select(StaffMember.id).join(Agency).where(
                Agency.code == code, StaffMember.kind == "enforcement_officer").limit(1))
    return world


@pytest.fixture(scope="module")
def world(module_app) -> World:
    return _build(module_app)


def _answer(world: World, role: str, row: str, scope: str) -> tuple[bool, str]:
    """(allowed, what was answered) for one cell's scope."""
    actor = world.clients[role]
    call = REQUESTS[row](world, AGENCY_OF.get(scope, ""), actor)
    assert _described(REQUEST_CELLS[row], call), f"{row}: {call.method} {call.path} is not {REQUEST_CELLS[row]}"
    response = actor.client.open(call.path, method=call.method, json=call.json, data=call.data,
                                 headers=actor.headers,
                                 content_type="multipart/form-data" if call.data else None)
    status = response.status_code
    assert 200 <= status < 300 or status in (403, 404), f"{role} {call.method} {call.path}: {status} " \
        f"{response.get_data(as_text=True)[:300]}"
    if status == 404 and call.absent and response.get_json()["error"]["code"] == call.absent:
        return True, "404 " + call.absent
    allowed = 200 <= status < 300 and (call.listed is None or call.listed(response.get_json()))
    return allowed, f"{status}"


def test_every_row_has_a_request_and_every_request_a_row():
    assert set(ROWS) - set(REQUESTS) == set(), "README rows the test has no request for"
    assert set(REQUESTS) - set(ROWS) == set(), "requests of the test no README row describes"
    assert SELF_ROWS - set(REQUESTS) == set(), "a row walked as the caller's own that the test does not know"




@pytest.mark.parametrize("row", list(ROWS))
def test_row(world, row):
    """Each role, at each scope the row walks: allowed where the cell says so, refused elsewhere."""
    scopes = ("self",) if row in SELF_ROWS else SCOPES
    wrong, seen = [], {}
    for role, allowed_scopes in ROWS[row].items():
        assert allowed_scopes <= set(scopes), f"{row}: {role}'s cell names scopes the row does not walk"
        for scope in scopes:
            allowed, status = _answer(world, role, row, scope)
            seen.setdefault(role, []).append(scope if allowed else "")
            if allowed != (scope in allowed_scopes):
                wrong.append(f"{role}@{scope}: {status}, table says {'yes' if scope in allowed_scopes else 'no'}")
    if os.environ.get("PERMISSION_TABLE_PRINT"):  # prints the row as the service answers it
        print(f"\n| {row} | " + " | ".join(_cell(seen[role]) for role in ROWS[row]) + " |")
    assert wrong == [], f"{row}: " + "; ".join(wrong)


def _cell(allowed: list[str]) -> str:
    return ", ".join(scope for scope in allowed if scope).replace("self", "yes") or NONE
