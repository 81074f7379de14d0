"""An API client that sends a user's bearer token, and drivers that move a case step by step through the API."""
import io

from freezegun import freeze_time
from sqlalchemy import select

from review_service.accounts.service import create_user
from review_service.agencies.models import Agency
from review_service.cases.models import OPEN, Task
from review_service.extensions import db

from .payloads import decision, review, submission
from .world import PASSWORD, beijing


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


def add_user(app, username: str, role: str, agency: str = "city") -> ApiClient:
    """A new user of that agency with one role, logged in."""
    with app.app_context():
        agency_id = db.session.scalar(select(Agency.id).where(Agency.code == agency))
        create_user(agency_id=agency_id, username=username, full_name=username, password=PASSWORD, roles=[role])
        db.session.commit()
    return ApiClient.logged_in(app.test_client(), username, PASSWORD)


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


def opinion_issued(as_user, opinion: str = "issues") -> int:
    """A case submitted, accepted and given a round-1 opinion; returns its id."""
    case_id = as_user("handler").submit()["id"]
    as_user("reviewer").complete(case_id, "accept_submission", {"result": "accept"})
    as_user("reviewer").complete(case_id, "review_case", review(opinion))
    return case_id


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


def notifications(client) -> list[tuple[str, int]]:
    return [(n["kind"], n["case_id"]) for n in client.get("/api/v1/notifications").get_json()["items"]]


def upload_attachment(api, content: bytes, filename: str):
    return api.client.post("/api/v1/attachments", headers=api.headers, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(content), filename)})


def case_documents(client, case_id) -> list[dict]:
    """GET /api/v1/cases/{id}/documents: the items."""
    response = client.get(f"/api/v1/cases/{case_id}/documents")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return response.data
