"""Every path through the legal-review process, driven through the HTTP API only."""
from decimal import Decimal

import pytest

from ..factories import checklist, correct, decision, find_issues, in_coordination, post_decision, review, under_review

SMALL_CASE = {"party": {"type": "natural_person", "name": "张三"}, "fine_amount": 500, "confiscation_amount": 0,
              "sanctions": [], "hearing_held": False}


# --- small drivers: each moves a case one step and returns nothing but what the test needs -------------

def escalated(as_user, target="head") -> int:
    case_id = in_coordination(as_user)
    as_user("reviewer").complete(case_id, "record_coordination",
                                 {"outcome": "escalate", "minutes": "协调未达成一致", "escalation_target": target})
    return case_id


def settle(as_user, case_id, outcome, expect=200, **extra):
    data = {"method": "head_decision", "outcome": outcome, "reasons": "经研究决定", **extra}
    return as_user("head").complete(case_id, "settle_dispute", data, expect=expect)


def history(client, case_id) -> dict:
    response = client.get(f"/api/v1/cases/{case_id}/history")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def open_task_names(case) -> list[str]:
    return [task["name"] for task in case["open_tasks"]]


def opinions(case) -> list[tuple]:
    return [(o["round"], o["kind"], o["opinion"]) for o in case["opinions"]]


# --- 1. approved the first time ------------------------------------------------------------------------

def test_approved_the_first_time(as_user):
    handler, reviewer, head = as_user("handler"), as_user("reviewer"), as_user("head")
    case = handler.submit()
    assert (case["status"], case["round"], case["review_required"]) == ("awaiting_acceptance", 1, True)
    assert open_task_names(case) == ["accept_submission"]

    reviewer.complete(case["id"], "accept_submission", {"result": "accept"})
    assert reviewer.case(case["id"])["status"] == "under_review"

    reviewer.complete(case["id"], "review_case", review("approve"))
    passed = head.case(case["id"])
    assert (passed["status"], passed["round"], passed["review_passed"], passed["passed_round"]) == \
        ("review_passed", 1, True, 1)
    assert opinions(passed) == [(1, "review", "approve")]
    assert passed["opinions"][0]["reviewer"]["full_name"] == "reviewer"
    assert passed["decision"] is None and passed["closed_at"] is None

    head.complete(case["id"], "record_decision", decision())
    decided = head.case(case["id"])
    assert decided["status"] == "decided"
    assert decided["decision"]["passed_round"] == 1
    assert decided["decision"]["text"] == decision()["decision_text"]
    assert decided["decision"]["decided_by"]["full_name"] == "head"
    assert decided["closed_at"] is None and open_task_names(decided) == ["publish_decision", "archive_case"]
    handler.complete(case["id"], "publish_decision", {"published": True, "published_on": "2026-10-21",
                                                      "platform": "国家企业信用信息公示系统"})
    handler.complete(case["id"], "archive_case", {"archived_on": "2026-10-30", "archive_number": "2026-永久-001"})
    closed = head.case(case["id"])
    assert (closed["status"], closed["open_tasks"]) == ("decided", []) and closed["closed_at"] is not None


# --- 2. issues, correction, approval in round 2 -----------------------------------------------------------

def test_issues_then_correction_then_approval_in_round_two(as_user):
    handler, reviewer, head = as_user("handler"), as_user("reviewer"), as_user("head")
    case_id = under_review(as_user, fine_amount=150000)
    find_issues(as_user, case_id)
    found = handler.case(case_id)
    assert (found["status"], found["round"], found["review_passed"]) == ("issues_found", 1, False)
    assert open_task_names(found) == ["respond_to_opinion"]

    correct(as_user, case_id, fine_amount=100000)
    corrected = reviewer.case(case_id)
    assert Decimal(corrected["fine_amount"]) == Decimal("100000")
    assert (corrected["status"], corrected["round"]) == ("under_review", 2)
    assert reviewer.open_task(case_id, "review_case")["round"] == 2

    reviewer.complete(case_id, "review_case", review("approve"))
    passed = head.case(case_id)
    assert (passed["status"], passed["passed_round"]) == ("review_passed", 2)
    assert opinions(passed) == [(1, "review", "issues"), (2, "review", "approve")]
    assert passed["opinions"][0]["suggestions"] == review("issues")["suggestions"]

    response = post_decision(head, case_id)
    assert response.status_code == 200, response.get_json()
    decided = head.case(case_id)
    assert decided["status"] == "decided"
    assert decided["decision"]["passed_round"] == 2


# --- 3. two rejections, then coordination ------------------------------------------------------------------

def test_coordination_revises_the_opinion_to_approve(as_user):
    reviewer, head = as_user("reviewer"), as_user("head")
    case_id = in_coordination(as_user)
    coordinating = reviewer.case(case_id)
    assert (coordinating["status"], coordinating["round"]) == ("in_coordination", 2)
    assert open_task_names(coordinating) == ["record_coordination"]

    reviewer.complete(case_id, "record_coordination", {"outcome": "revise_to_approve", "minutes": "协调一致"},
                      expect=422)
    reviewer.complete(case_id, "record_coordination",
                      {"outcome": "revise_to_approve", "minutes": "协调一致", "revision_reasons": "裁量说明充分"})
    passed = head.case(case_id)
    assert (passed["status"], passed["review_passed"], passed["passed_round"]) == ("review_passed", True, 2)
    assert opinions(passed) == [(1, "review", "issues"), (2, "review", "issues"), (2, "revision", "approve")]
    assert passed["opinions"][-1]["text"] == "裁量说明充分"

    head.complete(case_id, "record_decision", decision())
    decided = head.case(case_id)
    assert decided["status"] == "decided"
    assert decided["decision"]["passed_round"] == 2


def test_coordination_has_the_handler_correct_and_resubmit(as_user):
    handler, reviewer = as_user("handler"), as_user("reviewer")
    case_id = in_coordination(as_user)
    reviewer.complete(case_id, "record_coordination", {"outcome": "handler_corrects", "minutes": "承办机构整改"})
    correcting = handler.case(case_id)
    assert correcting["status"] == "awaiting_correction"
    task = handler.open_task(case_id, "resubmit_corrected")
    assert (task["role"], task["assignee"]["full_name"]) == ("handler", "handler")

    handler.complete(case_id, "resubmit_corrected", {"correction_summary": "已整改", "updated": {"fine_amount": 90000}})
    resubmitted = reviewer.case(case_id)
    assert (resubmitted["status"], resubmitted["round"], resubmitted["review_passed"]) == ("under_review", 3, False)
    assert Decimal(resubmitted["fine_amount"]) == Decimal("90000")
    assert reviewer.open_task(case_id, "review_case")["round"] == 3


# --- 4. escalation to the head ---------------------------------------------------------------------------

def test_escalation_settled_by_a_new_review(as_user):
    head, reviewer = as_user("head"), as_user("reviewer")
    case_id = escalated(as_user, target="head")
    waiting = head.case(case_id)
    assert waiting["status"] == "escalated"
    assert head.open_task(case_id, "settle_dispute")["role"] == "head"

    settle(as_user, case_id, "re_review")
    again = reviewer.case(case_id)
    assert (again["status"], again["round"]) == ("under_review", 3)
    assert reviewer.open_task(case_id, "review_case")["round"] == 3
    reviewer.complete(case_id, "review_case", review("approve"))
    assert head.case(case_id)["passed_round"] == 3


def test_escalation_settled_by_correction(as_user):
    case_id = escalated(as_user, target="collective_discussion")
    settle(as_user, case_id, "correct")
    correcting = as_user("handler").case(case_id)
    assert correcting["status"] == "awaiting_correction"
    assert open_task_names(correcting) == ["resubmit_corrected"]


def test_escalation_settled_by_transfer(as_user):
    head = as_user("head")
    case_id = escalated(as_user)
    refused = settle(as_user, case_id, "transfer", expect=422)
    assert "transfer_target" in refused["error"]["fields"]
    assert head.case(case_id)["status"] == "escalated"

    settle(as_user, case_id, "transfer", transfer_target="市公安局")
    transferred = head.case(case_id)
    assert (transferred["status"], transferred["decision"], transferred["open_tasks"]) == ("transferred", None, [])
    assert transferred["closed_at"] is not None


def test_escalation_closed_without_decision(as_user):
    head = as_user("head")
    case_id = escalated(as_user)
    settle(as_user, case_id, "close_without_decision")
    closed = head.case(case_id)
    assert (closed["status"], closed["decision"], closed["open_tasks"]) == ("closed_without_decision", None, [])
    assert closed["closed_at"] is not None
    assert post_decision(head, case_id).status_code == 409


def test_collective_discussion_needs_minutes_and_two_participants(as_user):
    head = as_user("head")
    case_id = escalated(as_user, target="collective_discussion")
    discussion = {"method": "collective_discussion", "outcome": "re_review", "reasons": "集体讨论决定"}
    for missing, extra in (("minutes", {"participants": ["甲", "乙"]}), ("participants", {"minutes": "记录"})):
        refused = head.complete(case_id, "settle_dispute", {**discussion, **extra}, expect=422)
        assert missing in refused["error"]["fields"]
    refused = head.complete(case_id, "settle_dispute", {**discussion, "minutes": "记录", "participants": ["甲"]},
                            expect=422)
    assert "participants" in refused["error"]["fields"]
    assert head.case(case_id)["status"] == "escalated"

    head.complete(case_id, "settle_dispute", {**discussion, "minutes": "记录", "participants": ["甲", "乙"]})
    assert head.case(case_id)["status"] == "under_review"


# --- 5. transfer opinion ---------------------------------------------------------------------------------

def test_transfer_opinion_ends_the_case_without_a_decision(as_user):
    head = as_user("head")
    case_id = under_review(as_user)
    as_user("reviewer").complete(case_id, "review_case", review("transfer"))
    transferred = head.case(case_id)
    assert (transferred["status"], transferred["open_tasks"], transferred["decision"]) == ("transferred", [], None)
    assert transferred["opinions"][0]["transfer_target"] == review("transfer")["transfer_target"]

    response = post_decision(head, case_id)
    assert response.status_code == 409
    assert head.case(case_id)["decision"] is None
    assert head.case(case_id)["status"] == "transferred"


# --- 6. returned for materials -----------------------------------------------------------------------------

def test_returned_for_materials_then_supplied_and_accepted(as_user):
    handler, reviewer = as_user("handler"), as_user("reviewer")
    case_id = handler.submit()["id"]
    refused = reviewer.complete(case_id, "accept_submission", {"result": "return"}, expect=422)
    assert "missing_materials" in refused["error"]["fields"]

    reviewer.complete(case_id, "accept_submission", {"result": "return", "missing_materials": ["现场检查笔录"]})
    returned = handler.case(case_id)
    assert returned["status"] == "awaiting_supplement"
    assert handler.open_task(case_id, "supply_materials")["assignee"]["full_name"] == "handler"
    before = len(returned["materials"])

    handler.complete(case_id, "supply_materials", {"materials": [{"name": "现场检查笔录", "category": "evidence"}]})
    supplied = reviewer.case(case_id)
    assert len(supplied["materials"]) == before + 1
    newest = supplied["materials"][-1]
    assert (newest["name"], newest["round"]) == ("现场检查笔录", supplied["round"])
    assert (supplied["status"], supplied["round"]) == ("awaiting_acceptance", 1)

    reviewer.complete(case_id, "accept_submission", {"result": "accept"})
    assert reviewer.case(case_id)["status"] == "under_review"


# --- 7. no decision before a passed review -----------------------------------------------------------------

def test_decision_before_approval_is_refused(as_user):
    head = as_user("head")
    case_id = under_review(as_user)
    for expected_status in ("under_review", "issues_found"):
        events_before = len(history(head, case_id)["events"])
        response = post_decision(head, case_id)
        assert response.status_code == 409
        assert response.get_json()["error"]["code"] == "review_not_passed"
        after = head.case(case_id)
        assert (after["status"], after["decision"]) == (expected_status, None)
        assert len(history(head, case_id)["events"]) == events_before
        if expected_status == "under_review":
            find_issues(as_user, case_id)


@pytest.mark.parametrize("decided_on, message", [("2026-11-03", "不能晚于今天"),  # the clock: 2026-11-02
                                                  ("2026-11-01", "不能早于法制审核通过")])
def test_a_decision_dated_in_the_future_or_before_the_passed_review_is_refused(as_user, decided_on, message):
    head = as_user("head")
    case_id = under_review(as_user)
    as_user("reviewer").complete(case_id, "review_case", review("approve"))
    events_before = len(history(head, case_id)["events"])
    response = post_decision(head, case_id, decided_on=decided_on)
    error = response.get_json()["error"]
    assert (response.status_code, error["code"]) == (422, "validation_failed")
    assert message in error["fields"]["decided_on"][0]
    assert (head.case(case_id)["status"], head.case(case_id)["decision"]) == ("review_passed", None)
    assert len(history(head, case_id)["events"]) == events_before
    assert post_decision(head, case_id, decided_on="2026-11-02").status_code == 200


# --- 8. whether review is required -------------------------------------------------------------------------

def test_small_fine_for_a_natural_person_needs_no_review(as_user):
    case = as_user("handler").submit(**SMALL_CASE)
    assert (case["review_required"], case["status"], case["open_tasks"]) == (False, "review_not_required", [])
    reasons = case["review_required_reasons"]
    assert reasons and all(reason["text"].strip() and not reason["matched"] for reason in reasons)
    assert "amount_natural_person" in [reason["code"] for reason in reasons]
    assert as_user("reviewer").get("/api/v1/tasks").get_json()["items"] == []


@pytest.mark.parametrize("trigger, code", [({"hearing_held": True}, "hearing_held"),
                                           ({"complexity": {"major_public_interest": True}}, "major_public_interest")])
def test_statutory_trigger_requires_review_whatever_the_amount(as_user, trigger, code):
    case = as_user("handler").submit(**{**SMALL_CASE, **trigger})
    assert (case["review_required"], case["status"]) == (True, "awaiting_acceptance")
    statutory = [r for r in case["review_required_reasons"] if r["source"] == "statutory" and r["matched"]]
    assert [r["code"] for r in statutory] == [code]
    assert all(r["text"].strip() for r in statutory)


@pytest.mark.parametrize("fine, required", [(80000, True), (79999.99, False)])
def test_organisation_threshold_includes_the_number(as_user, fine, required):
    case = as_user("handler").submit(party={"type": "legal_person", "name": "某公司"}, fine_amount=fine,
                                     confiscation_amount=20000)
    assert case["review_required"] is required
    assert case["status"] == ("awaiting_acceptance" if required else "review_not_required")
    rule = [r for r in case["review_required_reasons"] if r["code"] == "amount_organisation"]
    assert [r["matched"] for r in rule] == [required]


# --- 9. history ----------------------------------------------------------------------------------------------

def test_history_lists_every_action_in_order(as_user):
    handler, reviewer, head = as_user("handler"), as_user("reviewer"), as_user("head")
    case = handler.submit()
    steps = [(reviewer, "accept_submission", {"result": "accept"}), (reviewer, "review_case", review("issues")),
             (handler, "respond_to_opinion", {"action": "correct", "correction_summary": "已整改"}),
             (reviewer, "review_case", review("approve")), (head, "record_decision", decision())]
    completed = [client.complete(case["id"], name, data) for client, name, data in steps]

    result = history(head, case["id"])
    events = result["events"]
    assert result["chain_intact"] is True and result["broken_at_seq"] is None
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    clocks = [(e["action"], e["data"]["kind"], e["round"]) for e in events if e["action"].startswith("deadline.")]
    assert clocks == [("deadline.started", "review", 1), ("deadline.met", "review", 1),
                      ("deadline.started", "review", 2), ("deadline.met", "review", 2),
                      ("deadline.started", "publication", 2), ("deadline.started", "archiving", 2)]
    assert all(e["actor"]["id"] is None for e in events if e["action"].startswith("deadline."))
    events = [e for e in events if not e["action"].startswith("deadline.")]
    assert [e["action"] for e in events] == ["case.submitted"] + ["task.completed"] * len(steps)
    assert events[0]["actor"]["full_name"] == "handler"
    assert events[0]["data"]["form"]["case_number"] == case["case_number"]
    for event, (_client, name, data), task in zip(events[1:], steps, completed, strict=True):
        assert (event["data"]["task"], event["data"]["form"], event["task_id"]) == (name, data, task["id"])
        assert event["actor"]["full_name"] == task["completed_by"]["full_name"]
    assert [e["actor"]["full_name"] for e in events] == ["handler", "reviewer", "reviewer", "handler", "reviewer",
                                                         "head"]
    assert all(e["occurred_at"] and e["actor"]["id"] for e in events)
    assert [e["occurred_at"] for e in events] == sorted(e["occurred_at"] for e in events)


# --- 10. the opinion form's rules ------------------------------------------------------------------------------

@pytest.mark.parametrize("data, field", [
    (review("approve", checklist=checklist(procedure="未告知陈述申辩权利")), "checklist.procedure.verdict"),
    ({k: v for k, v in review("issues").items() if k != "suggestions"}, "suggestions"),
    ({k: v for k, v in review("transfer").items() if k != "transfer_target"}, "transfer_target"),
])
def test_inconsistent_opinion_is_refused(as_user, data, field):
    reviewer = as_user("reviewer")
    case_id = under_review(as_user)
    response = reviewer.complete(case_id, "review_case", data, expect=422)
    assert response["error"]["code"] == "validation_failed"
    assert field in response["error"]["fields"]
    unchanged = reviewer.case(case_id)
    assert (unchanged["status"], unchanged["opinions"]) == ("under_review", [])
    assert open_task_names(unchanged) == ["review_case"]
