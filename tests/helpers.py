"""Form payloads and a small API client used by the tests."""
import copy

from review_service.china_time import today_in_china

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

    def submit(self, **overrides) -> dict:
        response = self.post("/api/v1/cases", json=submission(**overrides))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def case(self, case_id: int) -> dict:
        response = self.get(f"/api/v1/cases/{case_id}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def open_task(self, case_id: int, name: str) -> dict:
        tasks = [t for t in self.case(case_id)["open_tasks"] if t["name"] == name]
        assert len(tasks) == 1, f"expected one open {name}, got {self.case(case_id)['open_tasks']}"
        return tasks[0]

    def complete(self, case_id: int, name: str, data: dict, expect: int = 200) -> dict:
        task = self.open_task(case_id, name)
        response = self.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
        assert response.status_code == expect, response.get_json()
        return response.get_json()


def run_due_jobs(app, *, batch: int = 100) -> list:
    """One worker iteration in the test's process: every job due now runs (PDF conversions, timers)."""
    from review_service.extensions import db
    from review_service.jobs.worker import work_once
    with app.app_context():
        results = work_once("test-worker", batch=batch)
        db.session.remove()
    return results


def docx_text(payload: bytes) -> str:
    """Every paragraph and table cell of a DOCX (python-docx), one per line."""
    import io

    from docx import Document
    document = Document(io.BytesIO(payload))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def pdf_text(payload: bytes) -> str:
    """The text of a PDF as pdftotext (poppler-utils) extracts it, without line breaks inside a line."""
    import subprocess
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=payload, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def create_agency_with_users(code: str, roles=("handler", "reviewer", "head"), *, name: str | None = None):
    """A new top-level agency and one user per role (username code.role, full name 'role of code'), the
    reviewer with a 法律职业资格 number. Call inside an app context; commits."""
    from datetime import date

    from review_service.accounts.service import create_user
    from review_service.agencies.models import Agency
    from review_service.extensions import db
    from review_service.staff.models import StaffMember
    agency = Agency(code=code, name=name or f"{code} 示例局", level="city")
    db.session.add(agency)
    db.session.flush()
    for role in roles:
        user = create_user(agency_id=agency.id, username=f"{code}.{role}", full_name=f"{code}{role}",
                           password="correct horse battery", roles=[role])
        if role == "reviewer":
            db.session.add(StaffMember(agency_id=agency.id, kind="legal_reviewer", name=user.full_name,
                                       user_id=user.id, legal_qualification_no=f"A2019{user.id:07d}",
                                       valid_from=date(2020, 1, 1)))
    db.session.commit()
    return agency
