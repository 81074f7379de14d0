"""Only the right person may act: role, lane, agency, assignment and four-eyes."""
from ..factories import review


def test_handler_cannot_do_the_reviewers_task(as_user):
    case = as_user("handler").submit()
    task = as_user("reviewer").open_task(case["id"], "accept_submission")
    response = as_user("handler").post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"result": "accept"}})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "role_required"
    assert as_user("reviewer").case(case["id"])["status"] == "awaiting_acceptance"


def test_other_agency_sees_neither_case_nor_task(as_user):
    case = as_user("handler").submit()
    task = as_user("reviewer").open_task(case["id"], "accept_submission")
    outsider = as_user("other.reviewer")
    assert outsider.get(f"/api/v1/cases/{case['id']}").status_code == 404
    assert outsider.get(f"/api/v1/tasks/{task['id']}").status_code == 404
    response = outsider.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"result": "accept"}})
    assert response.status_code == 404
    assert outsider.get("/api/v1/tasks").get_json()["items"] == []


def test_once_a_reviewer_accepts_the_case_is_theirs(as_user):
    case = as_user("handler").submit()
    as_user("reviewer").complete(case["id"], "accept_submission", {"result": "accept"})
    review_task = as_user("reviewer").open_task(case["id"], "review_case")
    assert review_task["assignee"]["full_name"] == "reviewer"
    response = as_user("reviewer2").post(f"/api/v1/tasks/{review_task['id']}/complete",
                                         json={"data": review("approve")})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "not_assignee"
    assert review_task["id"] not in [t["id"] for t in as_user("reviewer2").get("/api/v1/tasks").get_json()["items"]]


def test_a_reviewer_may_not_review_a_case_they_handled(as_user):
    both = as_user("handler_reviewer")
    case = both.submit()
    task = both.open_task(case["id"], "accept_submission")
    assert task["id"] not in [t["id"] for t in both.get("/api/v1/tasks").get_json()["items"]]
    response = both.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"result": "accept"}})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "handled_case"
    claim = both.post(f"/api/v1/tasks/{task['id']}/claim")
    assert claim.status_code == 403


def test_only_handlers_submit_cases(as_user):
    from ..factories import submission
    response = as_user("reviewer").post("/api/v1/cases", json=submission())
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "role_required"


def test_inbox_shows_each_role_its_own_work(as_user):
    case = as_user("handler").submit()
    reviewer_inbox = as_user("reviewer").get("/api/v1/tasks").get_json()["items"]
    assert [(t["case_id"], t["name"]) for t in reviewer_inbox] == [(case["id"], "accept_submission")]
    assert as_user("handler").get("/api/v1/tasks").get_json()["items"] == []
    assert as_user("head").get("/api/v1/tasks").get_json()["items"] == []


def test_claiming_takes_a_task_out_of_colleagues_inboxes(as_user):
    case = as_user("handler").submit()
    task = as_user("reviewer").open_task(case["id"], "accept_submission")
    claimed = as_user("reviewer2").post(f"/api/v1/tasks/{task['id']}/claim")
    assert claimed.status_code == 200
    assert claimed.get_json()["assignee"]["full_name"] == "reviewer2"
    assert as_user("reviewer").get("/api/v1/tasks").get_json()["items"] == []
    refused = as_user("reviewer").post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"result": "accept"}})
    assert refused.status_code == 403


def test_supervisor_of_the_parent_agency_reads_but_cannot_act(as_user):
    case = as_user("handler").submit()
    supervisor = as_user("supervisor")
    assert supervisor.get(f"/api/v1/cases/{case['id']}").status_code == 200
    assert case["id"] in [c["id"] for c in supervisor.get("/api/v1/cases").get_json()["items"]]
    task = as_user("reviewer").open_task(case["id"], "accept_submission")
    response = supervisor.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"result": "accept"}})
    assert response.status_code == 404


def test_completed_task_cannot_be_completed_again(as_user):
    case = as_user("handler").submit()
    task = as_user("reviewer").open_task(case["id"], "accept_submission")
    first = as_user("reviewer").post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"result": "accept"}})
    assert first.status_code == 200
    again = as_user("reviewer").post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"result": "accept"}})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "task_not_open"


def test_unknown_task_is_404(as_user):
    response = as_user("reviewer").post("/api/v1/tasks/00000000-0000-0000-0000-000000000000/complete",
                                        json={"data": {}})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "task_not_found"
