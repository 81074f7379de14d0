"""The example agency folders shipped under workflows/ (demo-gd-samr, demo-ah-samr) run cases end to end.

The agencies are the ones `flask review seed-demo` creates; here they are created in the test database
with one user per role, and their folders are published at their first case, as in production.
"""
from datetime import date

import pytest
from freezegun import freeze_time

from review_service.accounts.service import create_user
from review_service.agencies.models import Agency
from review_service.extensions import db
from review_service.staffing.models import StaffMember

from ..factories import PASSWORD, ApiClient, beijing, decision, review, version_of_case

ROLES = ("handler", "reviewer", "head", "deputy_head")


@pytest.fixture
def agency_users(app):
    """users(code) -> {role: ApiClient} for a new top-level agency with that code."""
    def create(code: str) -> dict[str, ApiClient]:
        with app.app_context():
            agency = Agency(code=code, name=f"{code} 示例局", level="city")
            db.session.add(agency)
            db.session.flush()
            for role in ROLES:
                user = create_user(agency_id=agency.id, username=f"{code}.{role}", full_name=role, password=PASSWORD,
                                   roles=[role])
                if role == "reviewer":
                    db.session.add(StaffMember(agency_id=agency.id, kind="legal_reviewer", name=role, user_id=user.id,
                                               legal_qualification_no=f"A2019{user.id:07d}",
                                               valid_from=date(2020, 1, 1)))
            db.session.commit()
        return {role: ApiClient.logged_in(app.test_client(), f"{code}.{role}", PASSWORD) for role in ROLES}
    return create


def open_names(client, case_id) -> list[str]:
    return [t["name"] for t in client.case(case_id)["open_tasks"]]


def evaluate(client, code, **facts) -> dict:
    body = {"decision_type": "administrative_penalty", "party_type": "legal_person", **facts}
    response = client.post(f"/api/v1/agencies/{code}/catalog/evaluate", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_guangdong_folder_runs_a_case_with_its_words_limits_discussion_and_catalog(app, agency_users):
    gd = agency_users("demo-gd-samr")
    with freeze_time(beijing("2026-10-12")):
        case = gd["handler"].submit()
        case_id = case["id"]
        assert version_of_case(app, case_id)[1] == 1 and version_of_case(app, case_id)[0] is not None
        assert [r["code"] for r in case["review_required_reasons"]] == ["organisation_over_100000"]
        [clock] = [d for d in gd["reviewer"].case(case_id)["deadlines"] if d["kind"] == "review"]
        assert (clock["due_on"], clock["period_days"]) == ("2026-10-19", 5)  # 粤 Art. 18
        gd["reviewer"].complete(case_id, "accept_submission", {"result": "accept"})
        task = gd["reviewer"].open_task(case_id, "review_case")
        titles = gd["reviewer"].get(f"/api/v1/tasks/{task['id']}").get_json()["form_schema"]["properties"]["opinion"]
        assert titles["options"]["enum_titles"] == ["通过", "退回", "移送有权机关处理"]
        gd["reviewer"].complete(case_id, "review_case", {**review("issues"), "opinion": "退回"})
        gd["handler"].complete(case_id, "respond_to_opinion", {"action": "correct", "correction_summary": "已整改"})
        gd["reviewer"].complete(case_id, "review_case", {**review(), "opinion": "通过"})
        assert gd["head"].case(case_id)["status"] == "awaiting_collective_discussion"
        gd["head"].complete(case_id, "collective_discussion", {
            "discussed_on": "2026-10-16", "participants": ["局长", "副局长"], "minutes": "局务会讨论",
            "conclusion": "同意"})
        gd["head"].complete(case_id, "record_decision", decision())
    done = gd["handler"].case(case_id)
    assert [(o["round"], o["opinion"]) for o in done["opinions"]] == [(1, "issues"), (2, "approve")]
    assert (done["status"], done["decision"]["collective_discussion_held"]) == ("decided", True)
    [archiving] = [d for d in done["deadlines"] if d["kind"] == "archiving"]
    assert archiving["due_on"] == "2026-10-27"  # decided 10-12 + 15 calendar days (national default: 30)


@pytest.mark.parametrize("amount, required", [(100000, False), (99999.99, False), ("100000.01", True)])
def test_the_guangdong_catalog_excludes_the_number_itself(agency_users, amount, required):
    gd = agency_users("demo-gd-samr")
    body = evaluate(gd["handler"], "demo-gd-samr", fine_amount=amount)
    assert body["review_required"] is required
    matched = [r["code"] for r in body["reasons"] if r["matched"]]
    assert matched == (["organisation_over_100000"] if required else [])


def test_the_anhui_folder_uses_its_words_approver_and_refers_disputes_to_the_justice_department(app, agency_users):
    ah = agency_users("demo-ah-samr")
    case_id = ah["handler"].submit()["id"]
    ah["reviewer"].complete(case_id, "accept_submission", {"result": "accept"})
    task_id = ah["reviewer"].open_task(case_id, "review_case")["id"]
    asked = ah["reviewer"].post(f"/api/v1/tasks/{task_id}/extension-request", json={"reason": "案情复杂"})
    assert asked.status_code == 201, asked.get_json()
    [approval] = ah["head"].get("/api/v1/tasks").get_json()["items"]  # approver: head (机关负责人)
    assert approval["role"] == "head" and ah["deputy_head"].get("/api/v1/tasks").get_json()["items"] == []
    ah["reviewer"].complete(case_id, "review_case", {**review("issues"), "opinion": "纠正"})
    ah["handler"].complete(case_id, "respond_to_opinion", {"action": "disagree", "disagreement_reasons": "不同意"})
    ah["reviewer"].complete(case_id, "record_coordination", {"outcome": "escalate", "minutes": "协调不成"})
    assert ah["head"].case(case_id)["status"] == "referred_to_justice_department"
    ah["head"].complete(case_id, "refer_to_justice_department", {
        "referred_to": "县司法局", "referred_on": "2026-10-10", "reply_received_on": "2026-10-15",
        "outcome": "close_without_decision", "reasons": "答复：事实不清，终止办理"})
    closed = ah["handler"].case(case_id)
    assert (closed["status"], closed["decision"], closed["opinions"][0]["opinion"]) == (
        "closed_without_decision", None, "issues")


def test_the_anhui_profile_counts_pooled_advisors_before_any_case(app, agency_users):
    ah = agency_users("demo-ah-samr")
    report = ah["head"].get("/api/v1/agencies/demo-ah-samr/staffing").get_json()
    assert (report["rule"], report["rule_source"]) == ("reviewers_and_pooled_advisors", "process_profile")


def test_a_submission_below_the_guangdong_threshold_needs_no_review(agency_users):
    gd = agency_users("demo-gd-samr")
    case = gd["handler"].submit(fine_amount=100000, confiscation_amount=0)  # exactly the number: not "超过"
    assert (case["review_required"], case["status"]) == (False, "review_not_required")


def test_seed_demo_creates_the_example_agencies_and_publishes_their_folders(app, runner, tmp_path):
    from sqlalchemy import select

    from review_service.processes.models import ProcessVersion
    result = runner.invoke(args=["review", "seed-demo", "--password-file", str(tmp_path / "passwords.txt")])
    assert result.exit_code == 0, result.output
    assert "gd.handler" in result.output and "ah.reviewer" in result.output
    with app.app_context():
        published = db.session.execute(select(Agency.code, ProcessVersion.number)
                                       .join(ProcessVersion, ProcessVersion.agency_id == Agency.id)).all()
    assert sorted(published) == [("demo-ah-samr", 1), ("demo-gd-samr", 1)]
