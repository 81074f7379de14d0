def test_approved_first_time(as_user):
    handler, reviewer, head = as_user("handler"), as_user("reviewer"), as_user("head")
    case = handler.submit()
    assert case["status"] == "awaiting_acceptance"
    reviewer.complete(case["id"], "accept_submission", {"result": "accept"})
    from .helpers import review, decision
    reviewer.complete(case["id"], "review_case", review("approve"))
    assert head.case(case["id"])["status"] == "review_passed"
    head.complete(case["id"], "record_decision", decision())
    assert head.case(case["id"])["status"] == "decided"
