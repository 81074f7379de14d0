"""Task work through the API: unclaim, hand over to an eligible colleague with a reason, comments on a case."""
from ..factories import notifications


def _claimed_acceptance(as_user, submitter="handler") -> tuple[int, str]:
    """A case in the city (acceptances wait in the shared queue), its acceptance claimed by `reviewer`."""
    case = as_user(submitter).submit()
    task = as_user("reviewer").open_task(case["id"], "accept_submission")
    assert task["assignee"] is None
    assert as_user("reviewer").post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    return case["id"], task["id"]


def test_unclaim_puts_the_task_back_in_the_queue_and_only_the_holder_may(as_user):
    case_id, task_id = _claimed_acceptance(as_user)
    assert as_user("reviewer2").post(f"/api/v1/tasks/{task_id}/unclaim").get_json()["error"]["code"] == "not_assignee"
    response = as_user("reviewer").post(f"/api/v1/tasks/{task_id}/unclaim")
    assert response.status_code == 200 and response.get_json()["assignee"] is None
    history = as_user("reviewer").get(f"/api/v1/cases/{case_id}/history").get_json()["events"]
    assert history[-1]["action"] == "task.unclaimed"
    assert as_user("reviewer2").post(f"/api/v1/tasks/{task_id}/claim").status_code == 200


def test_a_handlers_step_cannot_be_unclaimed(as_user):
    case = as_user("handler").submit()
    as_user("reviewer").complete(case["id"], "accept_submission",
                                 {"result": "return", "missing_materials": ["听证笔录"]})
    task = as_user("handler").open_task(case["id"], "supply_materials")
    response = as_user("handler").post(f"/api/v1/tasks/{task['id']}/unclaim")
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "handler_task_not_queued")


def test_hand_over_to_an_eligible_colleague_with_a_reason_tells_them(as_user):
    case_id, task_id = _claimed_acceptance(as_user)
    body = {"assignee": "reviewer2", "reason": "本人出差"}
    response = as_user("reviewer").post(f"/api/v1/tasks/{task_id}/hand-over",
                                        json=body)
    assert response.status_code == 200 and response.get_json()["assignee"]["full_name"] == "reviewer2"
    assert ("task.handed_over", case_id) in notifications(as_user("reviewer2"))
    event = as_user("reviewer").get(f"/api/v1/cases/{case_id}/history").get_json()["events"][-1]
    assert event["action"] == "task.handed_over" and event["data"]["reason"] == "本人出差"
    # now reviewer2's: the former holder can neither hand it over again nor complete it
    again = as_user("reviewer").post(f"/api/v1/tasks/{task_id}/hand-over",
                                     json={"assignee": "reviewer", "reason": "x"})
    assert again.status_code == 403
    as_user("reviewer2").complete(case_id, "accept_submission", {"result": "accept"})


def test_hand_over_keeps_four_eyes_and_recusal_and_needs_a_reason_and_the_role(as_user):
    case_id, task_id = _claimed_acceptance(as_user, submitter="handler_reviewer")
    four_eyes = as_user("reviewer").post(f"/api/v1/tasks/{task_id}/hand-over",
                                         json={"assignee": "handler_reviewer", "reason": "请协助"})
    assert (four_eyes.status_code, four_eyes.get_json()["error"]["code"]) == (422, "reviewer_not_eligible")
    as_user("reviewer2").post(f"/api/v1/cases/{case_id}/recusals", json={"reason": "利害关系"})
    recused = as_user("reviewer").post(f"/api/v1/tasks/{task_id}/hand-over",
                                       json={"assignee": "reviewer2", "reason": "请协助"})
    assert (recused.status_code, recused.get_json()["error"]["code"]) == (422, "reviewer_not_eligible")
    no_reason = as_user("reviewer").post(f"/api/v1/tasks/{task_id}/hand-over",
                                         json={"assignee": "reviewer2", "reason": " "})
    assert no_reason.status_code == 422
    wrong_role = as_user("reviewer").post(f"/api/v1/tasks/{task_id}/hand-over",
                                          json={"assignee": "head", "reason": "请协助"})
    assert wrong_role.status_code == 422
    assert as_user("reviewer").open_task(case_id, "accept_submission")["assignee"]["full_name"] == "reviewer"


def test_a_handler_hands_a_step_to_a_colleague_and_the_case_keeps_its_handler(as_user):
    case = as_user("handler").submit()
    as_user("reviewer").complete(case["id"], "accept_submission",
                                 {"result": "return", "missing_materials": ["听证笔录"]})
    task = as_user("handler").open_task(case["id"], "supply_materials")
    response = as_user("handler").post(f"/api/v1/tasks/{task['id']}/hand-over",
                                       json={"assignee": "handler2", "reason": "调岗"})
    assert response.status_code == 200
    assert as_user("handler2").open_task(case["id"], "supply_materials")["assignee"]["full_name"] == "handler2"
    assert as_user("handler2").case(case["id"])["handler"]["full_name"] == "handler"  # four-eyes still bars them


def test_comments_go_into_the_history_and_tell_the_others_working_on_the_case(as_user):
    case_id, _task_id = _claimed_acceptance(as_user)
    response = as_user("handler").post(f"/api/v1/cases/{case_id}/comments", json={"text": "听证笔录明日补交"})
    assert response.status_code == 201 and response.get_json()["author"] == "handler"
    assert [c["text"] for c in as_user("reviewer").get(f"/api/v1/cases/{case_id}/comments").get_json()["items"]] == [
        "听证笔录明日补交"]
    assert ("case.commented", case_id) in notifications(as_user("reviewer"))
    assert ("case.commented", case_id) not in notifications(as_user("handler"))
    history = as_user("reviewer").get(f"/api/v1/cases/{case_id}/history").get_json()["events"]
    assert history[-1]["action"] == "case.commented"
    assert as_user("handler").post(f"/api/v1/cases/{case_id}/comments", json={"text": "  "}).status_code == 422
    assert as_user("other.handler").post(f"/api/v1/cases/{case_id}/comments", json={"text": "x"}).status_code == 404
