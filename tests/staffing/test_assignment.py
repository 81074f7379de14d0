"""Assignment order, each eligibility rule, recusal, hand-back, reassignment and the no-one-eligible path.

The "other" agency assigns by load (its default); "city" keeps acceptances in a shared queue.
"""
from datetime import date

import pytest
from freezegun import freeze_time

from review_service.accounts.service import create_user
from review_service.extensions import db
from review_service.staffing.models import StaffMember

from ..factories import PASSWORD, submission


def add_person(username, agency_id, roles, kind="legal_reviewer", **staff):
    user = create_user(agency_id=agency_id, username=username, full_name=username, password=PASSWORD, roles=roles)
    if kind:
        db.session.add(StaffMember(agency_id=staff.pop("staff_agency_id", agency_id), kind=kind, name=username,
                                   user_id=user.id, valid_from=date(2020, 1, 1), **staff))
    return user


@pytest.fixture
def team(app):
    """other: two more qualified reviewers, an unqualified newcomer, a pre-2021 reviewer, a review head;
    province: a pooled legal advisor."""
    with app.app_context():
        add_person("o.r1", 3, ["reviewer"], legal_qualification_no="A1")
        add_person("o.r2", 3, ["reviewer"], legal_qualification_no="A2")
        add_person("o.new", 3, ["reviewer"])
        add_person("o.old", 3, ["reviewer"], first_reviewed_on=date(2019, 3, 1))
        add_person("o.head", 3, ["review_head"], kind=None)
        add_person("p.advisor", 1, ["reviewer"], kind="legal_advisor", legal_qualification_no="A9")
        db.session.commit()


def submit_other(as_user, number):
    """Without a 立案 date: the Art. 60 cap (filed_on + 90 days) would notify too once the real clock passes it."""
    data = {k: v for k, v in submission(case_number=f"环罚〔2026〕{number}号").items() if k != "filed_on"}
    response = as_user("other.handler").post("/api/v1/cases", json=data)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def assignee(as_user, case_id, name="accept_submission"):
    task = as_user("other.handler").open_task(case_id, name)
    return task["assignee"]["full_name"] if task["assignee"] else None


def test_fewest_open_reviews_first_then_idle_longest(as_user, team):
    with freeze_time("2026-11-02 01:00:00") as clock:
        first = submit_other(as_user, 1)
        order = [assignee(as_user, first["id"])]
        for number in (2, 3, 4):
            clock.tick(60)
            order.append(assignee(as_user, submit_other(as_user, number)["id"]))
        assert order == ["other.reviewer", "o.r1", "o.r2", "o.old"]  # o.new lacks 法律职业资格
        clock.tick(60)
        as_user("other.reviewer").complete(first["id"], "accept_submission", {"result": "accept"})
        assert assignee(as_user, first["id"], "review_case") == "other.reviewer"  # the case keeps its reviewer
        clock.tick(60)
        assert assignee(as_user, submit_other(as_user, 5)["id"]) == "o.r1"  # all hold 1; o.r1 idle longest
        history = as_user("other.handler").get(f"/api/v1/cases/{first['id']}/history").get_json()
    assert history["chain_intact"]
    assert [e["action"] for e in history["events"]][:2] == ["case.submitted", "task.assigned"]
    assert history["events"][1]["data"]["assignee"]["full_name"] == "other.reviewer"


def test_eligible_reviewers_explain_every_refusal(as_user, team):
    case = submit_other(as_user, 1)
    as_user("other.reviewer").post(f"/api/v1/cases/{case['id']}/recusals", json={"reason": "当事人系本人亲属"})
    listing = as_user("o.head").get(f"/api/v1/cases/{case['id']}/eligible-reviewers").get_json()
    reasons = {row["username"]: [r["code"] for r in row["reasons"]] for row in listing["reviewers"]}
    assert reasons == {"other.reviewer": ["recused"], "o.r1": [], "o.r2": [], "o.new": ["no_legal_qualification"],
                       "o.old": []}
    assert [(row["username"], row["eligible"]) for row in listing["pooled_advisors"]] == [("p.advisor", True)]


def test_grandfathering_is_an_agency_setting(app, as_user, team):
    from review_service.agencies.models import Agency
    with app.app_context():
        db.session.get(Agency, 3).grandfather_pre_2021_reviewers = False
        db.session.commit()
    case = submit_other(as_user, 1)
    listing = as_user("o.head").get(f"/api/v1/cases/{case['id']}/eligible-reviewers").get_json()
    assert [r["code"] for row in listing["reviewers"] if row["username"] == "o.old"
            for r in row["reasons"]] == ["no_legal_qualification"]


def test_four_eyes_excludes_the_handler(as_user):
    case = as_user("handler_reviewer").submit()
    listing = as_user("reviewer").get(f"/api/v1/cases/{case['id']}/eligible-reviewers").get_json()
    assert {row["username"]: row["eligible"] for row in listing["reviewers"]} == \
        {"reviewer": True, "reviewer2": True, "handler_reviewer": False}


def test_recusal_moves_the_task_and_the_law_is_enforced_on_claim(as_user, team):
    case = submit_other(as_user, 1)
    assert assignee(as_user, case["id"]) == "other.reviewer"
    declared = as_user("other.reviewer").post(f"/api/v1/cases/{case['id']}/recusals", json={"reason": "利害关系"})
    assert declared.status_code == 201, declared.get_json()
    assert assignee(as_user, case["id"]) == "o.r1"
    again = as_user("other.reviewer").post(f"/api/v1/cases/{case['id']}/recusals", json={"reason": "利害关系"})
    assert again.get_json()["error"]["code"] == "already_recused"
    missing = as_user("o.r1").post(f"/api/v1/cases/{case['id']}/recusals", json={})
    assert missing.status_code == 422 and "reason" in missing.get_json()["error"]["fields"]
    actions = [e["action"] for e in as_user("o.head").get(f"/api/v1/cases/{case['id']}/history").get_json()["events"]]
    assert actions[-2:] == ["reviewer.recused", "task.assigned"]


def test_a_recused_reviewer_cannot_claim_from_the_queue(as_user):
    case = as_user("handler").submit()
    as_user("reviewer").post(f"/api/v1/cases/{case['id']}/recusals", json={"reason": "利害关系"})
    task = as_user("reviewer2").open_task(case["id"], "accept_submission")
    assert task["id"] not in [t["id"] for t in as_user("reviewer").get("/api/v1/tasks").get_json()["items"]]
    for action in ("claim", "complete"):
        response = as_user("reviewer").post(f"/api/v1/tasks/{task['id']}/{action}", json={"data": {"result": "accept"}})
        assert (response.status_code, response.get_json()["error"]["code"]) == (403, "reviewer_not_eligible")


def test_hand_back_and_reassign(as_user, team):
    case = submit_other(as_user, 1)
    task = as_user("other.handler").open_task(case["id"], "accept_submission")
    url = f"/api/v1/tasks/{task['id']}"
    not_mine = as_user("o.r1").post(f"{url}/hand-back", json={"reason": "工作量大"})
    assert (not_mine.status_code, not_mine.get_json()["error"]["code"]) == (403, "not_assignee")
    handed = as_user("other.reviewer").post(f"{url}/hand-back", json={"reason": "出差"})
    assert handed.status_code == 200 and handed.get_json()["assignee"]["full_name"] == "o.r1"
    refused = as_user("o.r1").post(f"{url}/reassign", json={"assignee": "o.r2"})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "review_head_required")
    barred = as_user("o.head").post(f"{url}/reassign", json={"assignee": "o.new"})
    assert (barred.status_code, barred.get_json()["error"]["code"]) == (422, "reviewer_not_eligible")
    assert "法律职业资格" in barred.get_json()["error"]["fields"]["assignee"][0]
    moved = as_user("o.head").post(f"{url}/reassign", json={"assignee": "o.r2"})
    assert moved.status_code == 200 and moved.get_json()["assignee"]["full_name"] == "o.r2"
    events = as_user("o.head").get(f"/api/v1/cases/{case['id']}/history").get_json()["events"]
    actions = [e["action"] for e in events if not e["action"].startswith("deadline.")]
    assert actions == ["case.submitted", "task.assigned", "task.handed_back", "task.assigned", "task.reassigned"]


def test_nobody_eligible_flags_tells_supervisors_and_offers_advisors(app, as_user, team):
    with app.app_context():
        for staff in db.session.scalars(db.select(StaffMember).where(StaffMember.agency_id == 3,
                                                                     StaffMember.kind == "legal_reviewer")):
            staff.deactivated_on = date(2026, 1, 1)
        db.session.commit()
    case = submit_other(as_user, 1)
    assert assignee(as_user, case["id"]) is None
    listing = as_user("o.head").get(f"/api/v1/cases/{case['id']}/eligible-reviewers").get_json()
    assert listing["problem"]["reason"] and listing["reviewers"] == []
    assert [row["username"] for row in listing["pooled_advisors"]] == ["p.advisor"]
    for user in ("supervisor", "o.head"):
        kinds = [n["kind"] for n in as_user(user).get("/api/v1/notifications").get_json()["items"]]
        assert kinds == ["assignment.no_eligible_reviewer"], user
    task = as_user("other.handler").open_task(case["id"], "accept_submission")
    moved = as_user("o.head").post(f"/api/v1/tasks/{task['id']}/reassign", json={"assignee": "p.advisor"})
    assert moved.status_code == 200, moved.get_json()
    advisor = as_user("p.advisor")
    assert [t["id"] for t in advisor.get("/api/v1/tasks").get_json()["items"]] == [task["id"]]
    done = advisor.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"result": "accept"}})
    assert done.status_code == 200, done.get_json()
    assert as_user("o.head").get(f"/api/v1/cases/{case['id']}/eligible-reviewers").get_json()["problem"] is None


def test_submission_helper_still_builds_penalty_cases():
    assert submission()["decision_type"] == "administrative_penalty"
