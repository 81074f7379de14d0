"""The case page's diagram data: each step's mark (done, current, overdue) and who worked it when, for the
current process version and for a case still running on an earlier one."""
import re

from freezegun import freeze_time

from ..factories import beijing
from ..processes.overrides import default_bpmn, upload, with_extra_step


def steps_of(page_as, username: str, case_id: int) -> dict:
    body = page_as(username).get(f"/cases/{case_id}/diagram.json").get_json()
    return {step["element_id"]: step for step in body["steps"]}


def test_done_and_current_steps_with_who_and_when(page_as, as_user):
    case = as_user("handler").submit()  # today (TEST_NOW): Monday 2026-11-02, 09:00 in Beijing
    as_user("reviewer").complete(case["id"], "accept_submission", {"result": "accept"})
    steps = steps_of(page_as, "handler", case["id"])
    assert steps["accept_submission"]["state"] == "done" and steps["review_case"]["state"] == "current"
    accepted = steps["accept_submission"]["visits"][0]
    assert accepted["completed_by"] == "reviewer" and accepted["status"] == "completed"
    assert re.fullmatch(r"2026年11月2日 09:0\d", accepted["texts"]["completed"])
    assert accepted["texts"]["status"] == "已办"
    review = steps["review_case"]["visits"][0]
    assert review["completed_by"] is None and review["assignee"] and review["texts"]["role"] == "法制审核人员"
    assert review["overdue"] is False and review["due_on"]


def test_an_overdue_step_is_marked(page_as, as_user):
    with freeze_time(beijing("2026-09-01")):
        case = as_user("handler").submit(filed_on="2026-08-31")
    steps = steps_of(page_as, "handler", case["id"])  # today (TEST_NOW) is 2026-11-02
    assert steps["accept_submission"]["state"] == "overdue"
    assert steps["accept_submission"]["visits"][0]["overdue"] is True


def test_a_case_on_an_earlier_version_keeps_its_diagram_and_marks(page_as, as_user):
    old = as_user("handler").submit()
    as_user("reviewer").complete(old["id"], "accept_submission", {"result": "accept"})
    extra = {"legal_review.bpmn": with_extra_step(default_bpmn())}
    assert upload(as_user("designer"), "city", extra).status_code == 201
    new = as_user("handler").submit(case_number="市监罚〔2026〕991号")
    old_body = page_as("handler").get(f"/cases/{old['id']}/diagram.json").get_json()
    new_body = page_as("handler").get(f"/cases/{new['id']}/diagram.json").get_json()
    assert old_body["process_version"] == 1 and "leaders_meeting" not in old_body["bpmn_xml"]
    assert "leaders_meeting" in new_body["bpmn_xml"]
    assert {s["element_id"]: s["state"] for s in old_body["steps"]} == {"accept_submission": "done",
                                                                         "review_case": "current"}
    assert [s["state"] for s in new_body["steps"]] == ["current"]


def test_the_api_gives_the_steps_too(as_user):
    case = as_user("handler").submit()
    body = as_user("reviewer").get(f"/api/v1/cases/{case['id']}/diagram").get_json()
    assert body["steps"][0]["element_id"] == "accept_submission" and body["steps"][0]["state"] == "current"
    assert "texts" not in body["steps"][0]["visits"][0]  # the page's words are the page's
