"""Profile settings the service acts on, through the HTTP API: where a failed coordination goes
(escalation_target), the 集体讨论 after a passed review, who approves an extension, and whether pooled
advisors count toward the 5% rule."""
import pytest
from freezegun import freeze_time

from ..factories import (
    accepted_case,
    add_user,
    beijing,
    decision,
    in_coordination,
    notifications,
    post_decision,
    review,
)
from .overrides import MEETING, default_bpmn, replace, upload

WORDS = {"approve": {"label": "同意"}, "issues": {"label": "存在问题"}}


def use_profile(as_user, code="city", uploader="designer", **settings):
    response = upload(as_user(uploader), code, {"profile.json": {"opinion_vocabulary": WORDS, **settings}})
    assert response.status_code == 201, response.get_json()


def escalate(as_user) -> int:
    case_id = in_coordination(as_user)
    as_user("reviewer").complete(case_id, "record_coordination", {"outcome": "escalate", "minutes": "协调未达成一致"})
    return case_id


def history_event(client, case_id, task_name) -> dict:
    events = client.get(f"/api/v1/cases/{case_id}/history").get_json()["events"]
    return [e for e in events if e["data"].get("task") == task_name][-1]


def open_names(client, case_id) -> list[str]:
    return [t["name"] for t in client.case(case_id)["open_tasks"]]


REPLY = {"referred_to": "省市场监督管理局", "referred_on": "2026-10-10", "reply_received_on": "2026-10-20",
         "reply_document_number": "省市监函〔2026〕9号", "reasons": "经协调，审核意见正确"}


# --- escalation_target -----------------------------------------------------------------------------------

def test_by_default_the_dispute_goes_to_the_agency_head(as_user):
    case_id = escalate(as_user)
    head = as_user("head")
    assert (head.case(case_id)["status"], open_names(head, case_id)) == ("escalated", ["settle_dispute"])
    event = history_event(head, case_id, "record_coordination")
    assert (event["data"]["escalated_to"], event["data"]["escalated_to_title"]) == ("agency_head", "机关负责人")


def test_collective_discussion_target_opens_the_discussion_and_requires_its_record(as_user):
    use_profile(as_user, escalation_target="collective_discussion")
    case_id = escalate(as_user)
    head = as_user("head")
    assert (head.case(case_id)["status"], open_names(head, case_id)) == ("escalated", ["settle_by_discussion"])
    assert history_event(head, case_id, "record_coordination")["data"]["escalated_to"] == "collective_discussion"
    settlement = {"discussed_on": "2026-10-12", "minutes": "局长办公会讨论", "outcome": "re_review",
                  "reasons": "重新审核"}
    refused = head.complete(case_id, "settle_by_discussion", settlement, expect=422)
    assert "participants" in refused["error"]["fields"]
    head.complete(case_id, "settle_by_discussion", {**settlement, "participants": ["局长", "副局长", "法制科长"]})
    again = head.case(case_id)
    assert (again["status"], again["round"], open_names(head, case_id)) == ("under_review", 3, ["review_case"])


def test_higher_agency_target_records_the_referral_and_the_reply_routes_the_case(as_user):
    use_profile(as_user, escalation_target="higher_agency")
    case_id = escalate(as_user)
    head = as_user("head")
    referred = head.case(case_id)
    assert (referred["status"], open_names(head, case_id)) == ("referred_to_higher_agency", ["refer_to_higher_agency"])
    assert referred["status_title"].startswith("已提请上级机关")
    task = head.open_task(case_id, "refer_to_higher_agency")
    assert task["role"] == "head"
    event = history_event(head, case_id, "record_coordination")
    assert (event["data"]["escalated_to"], event["data"]["referred_to"]) == ("higher_agency", "省市场监督管理局")
    assert ("case.referred_to_higher_agency", case_id) in notifications(as_user("supervisor"))  # the province
    assert post_decision(head, case_id).status_code == 409  # a referral never leads straight to a decision

    early = head.complete(case_id, "refer_to_higher_agency",
                          {**REPLY, "reply_received_on": "2026-10-01", "outcome": "re_review"}, expect=422)
    assert list(early["error"]["fields"]) == ["reply_received_on"]
    assert head.case(case_id)["status"] == "referred_to_higher_agency"  # nothing changed
    head.complete(case_id, "refer_to_higher_agency", {**REPLY, "outcome": "transfer", "transfer_target": "市公安局"})
    done = head.case(case_id)
    assert (done["status"], done["open_tasks"], done["decision"]) == ("transferred", [], None)


def test_justice_department_target_and_a_reply_that_has_the_handler_correct(as_user):
    use_profile(as_user, escalation_target="justice_department")
    case_id = escalate(as_user)
    head = as_user("head")
    assert head.case(case_id)["status"] == "referred_to_justice_department"
    head.complete(case_id, "refer_to_justice_department", {**REPLY, "referred_to": "市司法局", "outcome": "correct"})
    correcting = as_user("handler").case(case_id)
    assert (correcting["status"], open_names(as_user("handler"), case_id)) == ("awaiting_correction",
                                                                             ["resubmit_corrected"])


def test_a_referral_target_needs_a_referral_task_in_the_diagram(as_user):
    bpmn = replace(default_bpmn(), 'value="referral"', 'value="settlement"')
    response = upload(as_user("designer"), "city", {
        "legal_review.bpmn": bpmn, "profile.json": {"opinion_vocabulary": WORDS, "escalation_target": "higher_agency"}})
    assert response.status_code == 422
    assert any(p.startswith("profile.json:escalation_target:") and "taskKind=referral" in p
               for p in response.get_json()["error"]["fields"]["files"])


# --- collective_discussion_after_review ------------------------------------------------------------------

def test_a_passed_review_is_followed_by_a_collective_discussion_before_the_decision(as_user):
    use_profile(as_user, collective_discussion_after_review=True)
    case = as_user("handler").submit()
    reviewer, head = as_user("reviewer"), as_user("head")
    reviewer.complete(case["id"], "accept_submission", {"result": "accept"})
    reviewer.complete(case["id"], "review_case", review("approve"))
    waiting = head.case(case["id"])
    assert (waiting["status"], open_names(head, case["id"])) == ("awaiting_collective_discussion",
                                                                 ["collective_discussion"])
    refused = post_decision(head, case["id"])
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "collective_discussion_required")
    missing = head.complete(case["id"], "collective_discussion",
                            {k: v for k, v in MEETING.items() if k != "participants"}, expect=422)
    assert "participants" in missing["error"]["fields"]

    head.complete(case["id"], "collective_discussion", MEETING)
    assert (head.case(case["id"])["status"], open_names(head, case["id"])) == ("review_passed", ["record_decision"])
    head.complete(case["id"], "record_decision", decision())
    decided = head.case(case["id"])
    assert decided["status"] == "decided"
    assert (decided["decision"]["collective_discussion_held"],
            decided["decision"]["collective_discussion_minutes"]) == (True, MEETING["minutes"])


def test_without_the_setting_the_head_decides_right_after_the_review(as_user):
    case = as_user("handler").submit()
    as_user("reviewer").complete(case["id"], "accept_submission", {"result": "accept"})
    as_user("reviewer").complete(case["id"], "review_case", review("approve"))
    assert open_names(as_user("head"), case["id"]) == ["record_decision"]


def test_a_diagram_that_skips_the_discussion_cannot_skip_the_guard(as_user):
    bypass = replace(default_bpmn(), "agency_profile.get(&quot;collective_discussion_after_review&quot;) == True",
                     "False")
    response = upload(as_user("designer"), "city", {
        "legal_review.bpmn": bypass,
        "profile.json": {"opinion_vocabulary": WORDS, "collective_discussion_after_review": True}})
    assert response.status_code == 201, response.get_json()
    case = as_user("handler").submit()
    as_user("reviewer").complete(case["id"], "accept_submission", {"result": "accept"})
    as_user("reviewer").complete(case["id"], "review_case", review("approve"))
    refused = as_user("head").complete(case["id"], "record_decision", decision(), expect=409)
    assert refused["error"]["code"] == "collective_discussion_required"
    assert as_user("head").case(case["id"])["decision"] is None


def test_the_discussion_setting_needs_a_discussion_task_in_the_diagram(as_user):
    bpmn = replace(default_bpmn(), 'value="collective_discussion" />', 'value="settlement" />')
    response = upload(as_user("designer"), "city", {
        "legal_review.bpmn": bpmn,
        "profile.json": {"opinion_vocabulary": WORDS, "collective_discussion_after_review": True}})
    assert response.status_code == 422
    assert any(p.startswith("profile.json:collective_discussion_after_review:")
               for p in response.get_json()["error"]["fields"]["files"])


def test_a_case_on_a_version_without_a_discussion_step_finishes_as_it_began(as_user, monkeypatch):
    """Versions published before the setting was acted on (simulated: the publication check switched off)."""
    from review_service.processes import validation
    monkeypatch.setattr(validation, "PROFILE_TASK_KINDS", ())
    old = replace(replace(default_bpmn(), "agency_profile.get(&quot;collective_discussion_after_review&quot;) == True",
                          "False"), 'value="collective_discussion" />', 'value="settlement" />')
    response = upload(as_user("designer"), "city", {
        "legal_review.bpmn": old,
        "profile.json": {"opinion_vocabulary": WORDS, "collective_discussion_after_review": True}})
    assert response.status_code == 201, response.get_json()
    case = as_user("handler").submit()
    as_user("reviewer").complete(case["id"], "accept_submission", {"result": "accept"})
    as_user("reviewer").complete(case["id"], "review_case", review("approve"))
    as_user("head").complete(case["id"], "record_decision", decision())
    assert as_user("head").case(case["id"])["status"] == "decided"


# --- extension_approver ----------------------------------------------------------------------------------

@pytest.mark.parametrize("approver, other", [("review_head", "deputy_head"), ("head", "deputy_head"),
                                             ("deputy_head", "review_head")])
def test_extension_requests_go_to_the_approver_the_profile_names(app, as_user, approver, other):
    use_profile(as_user, extension_approver=approver)
    decider, bystander = add_user(app, f"x.{approver}", approver), add_user(app, f"x.{other}", other)
    case_id = accepted_case(as_user)
    reviewer = as_user("reviewer")
    task_id = reviewer.open_task(case_id, "review_case")["id"]
    with freeze_time(beijing("2026-05-07")):
        asked = reviewer.post(f"/api/v1/tasks/{task_id}/extension-request", json={"reason": "案情复杂，需调查核实"})
        assert asked.status_code == 201, asked.get_json()
        assert bystander.get("/api/v1/tasks").get_json()["items"] == []
        [approval] = decider.get("/api/v1/tasks").get_json()["items"]
        assert (approval["role"], approval["name"]) == (approver, "approve_extension")
        wrong = bystander.post(f"/api/v1/tasks/{approval['id']}/complete", json={"data": {"decision": "approve"}})
        done = decider.post(f"/api/v1/tasks/{approval['id']}/complete", json={"data": {"decision": "approve"}})
    assert (wrong.status_code, wrong.get_json()["error"]["code"]) == (403, "role_required")
    assert done.status_code == 200, done.get_json()
    assert ("extension.requested", case_id) in notifications(decider)
    assert ("extension.requested", case_id) not in notifications(bystander)


# --- pooled_advisors_count -------------------------------------------------------------------------------

def _staffing(client, code="other"):
    response = client.get(f"/api/v1/agencies/{code}/staffing", query_string={"on": "2026-11-23"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    return body["reviewers"], body["rule"], body["rule_source"]


@pytest.fixture
def province_admin(app, as_user):
    add_user(app, "province.admin", "admin", agency="province")
    admin = as_user("province.admin")
    for n in range(21):  # other: 31 officers -> 2 required, 1 own reviewer
        admin.post("/api/v1/agencies/other/staff", json={"valid_from": "2020-01-01", "kind": "enforcement_officer",
                                                          "name": f"o{n}", "enforcement_certificate_no": f"O-{n}"})
    response = admin.post("/api/v1/agencies/province/staff",  # held by the parent, usable below
                          json={"valid_from": "2020-01-01", "kind": "legal_advisor", "name": "顾问"})
    assert response.status_code == 201, response.get_json()
    return admin


def test_the_profile_decides_whether_pooled_advisors_count_when_it_says_so(as_user, province_admin):
    admin, supervisor = province_admin, as_user("supervisor")
    assert _staffing(supervisor) == (1, "reviewers_only", "agency_setting")  # national profile is silent
    use_profile(as_user, "province", "province.admin", pooled_advisors_count=True)  # the province's rule, for `other`
    assert _staffing(supervisor) == (2, "reviewers_and_pooled_advisors", "process_profile")
    use_profile(as_user, "other", "province.admin", pooled_advisors_count=False)  # the agency's own version says no
    changed = admin.client.patch("/api/v1/agencies/other", json={"advisors_count_toward_ratio": True},
                                 headers=admin.headers)
    assert changed.status_code == 200
    assert _staffing(supervisor) == (1, "reviewers_only", "process_profile")  # the profile wins over the setting
    use_profile(as_user, "other", "province.admin")  # a profile that says nothing: the agency setting decides
    assert _staffing(supervisor) == (2, "reviewers_and_pooled_advisors", "agency_setting")
