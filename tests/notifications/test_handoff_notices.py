"""Every hand-off tells the person the work now waits for, in the transaction that hands it over."""
from ..factories import correct, decision, find_issues, in_coordination, notifications, review, under_review


def _kinds(client, case_id) -> list[str]:
    return [kind for kind, case in notifications(client) if case == case_id]


def test_the_handler_hears_the_opinion_is_back_and_the_reviewer_hears_the_case_is_resubmitted(as_user):
    case_id = under_review(as_user)
    assert "opinion.returned" not in _kinds(as_user("handler"), case_id)
    find_issues(as_user, case_id)
    assert _kinds(as_user("handler"), case_id).count("opinion.returned") == 1
    message = as_user("handler").get("/api/v1/notifications").get_json()["items"][0]["message"]
    assert "审核意见已返回" in message
    assert "case.resubmitted" not in _kinds(as_user("reviewer"), case_id)
    correct(as_user, case_id, fine_amount=120000)
    assert _kinds(as_user("reviewer"), case_id).count("case.resubmitted") == 1


def test_the_heads_hear_a_decision_waits(as_user):
    case_id = under_review(as_user)
    assert "decision.waiting" not in _kinds(as_user("head"), case_id)
    as_user("reviewer").complete(case_id, "review_case", review("approve"))
    assert _kinds(as_user("head"), case_id) == ["decision.waiting"]
    assert "decision.waiting" not in _kinds(as_user("handler"), case_id)
    as_user("head").complete(case_id, "record_decision", decision())


def test_a_dispute_is_announced_to_the_reviewer_then_to_the_heads(as_user):
    case_id = in_coordination(as_user)
    assert "dispute.raised" in _kinds(as_user("reviewer"), case_id)
    assert "dispute.raised" not in _kinds(as_user("head"), case_id)
    as_user("reviewer").complete(case_id, "record_coordination", {"outcome": "escalate", "minutes": "协调未达成一致",
                                                                  "escalation_target": "head"})
    assert "dispute.raised" in _kinds(as_user("head"), case_id)
