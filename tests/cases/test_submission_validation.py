"""Bad submissions get a clear error naming the fields, and change nothing."""
from ..factories import submission


def case_count(client):
    return len(client.get("/api/v1/cases").get_json()["items"])


def test_body_must_be_a_json_object(as_user):
    handler = as_user("handler")
    for body in ("not json", "[1, 2]"):
        response = handler.client.post("/api/v1/cases", data=body, content_type="application/json",
                                       headers=handler.headers)
        assert response.status_code == 422
        assert response.get_json()["error"]["code"] == "invalid_json"
    assert case_count(handler) == 0


def test_missing_and_wrong_fields_are_named(as_user):
    handler = as_user("handler")
    data = submission(decision_type="罚款", fine_amount=-1, party={"type": "natural_person"}, surprise=1)
    del data["title"]
    response = handler.post("/api/v1/cases", json=data)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) == {"title", "decision_type", "fine_amount", "party.name", "surprise"}
    assert error["fields"]["title"] == ["必填"]
    assert case_count(handler) == 0


def test_money_has_at_most_two_decimals(as_user):
    response = as_user("handler").post("/api/v1/cases", json=submission(fine_amount=100.005))
    assert response.status_code == 422
    assert "fine_amount" in response.get_json()["error"]["fields"]


def test_amounts_are_kept_exactly(as_user):
    case = as_user("handler").submit(fine_amount=12345.67, confiscation_amount=0.1)
    assert case["fine_amount"] == "12345.67"
    assert case["confiscation_amount"] == "0.10"


def test_required_by_law_needs_its_basis(as_user):
    response = as_user("handler").post("/api/v1/cases", json=submission(complexity={"required_by_law": True}))
    assert response.status_code == 422
    assert "complexity.required_by_law_basis" in response.get_json()["error"]["fields"]


def test_materials_are_required(as_user):
    response = as_user("handler").post("/api/v1/cases", json=submission(materials=[]))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["materials"] == ["至少需要一项"]


def test_duplicate_case_number_in_the_same_agency_is_a_conflict(as_user):
    as_user("handler").submit()
    response = as_user("handler2").post("/api/v1/cases", json=submission())
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "duplicate_case_number"
    as_user("other.handler").submit()  # another agency may use the same number


def test_task_data_must_be_an_object(as_user):
    case = as_user("handler").submit()
    task = as_user("reviewer").open_task(case["id"], "accept_submission")
    response = as_user("reviewer").post(f"/api/v1/tasks/{task['id']}/complete", json={"data": "accept"})
    assert response.status_code == 422
    assert "data" in response.get_json()["error"]["fields"]
    response = as_user("reviewer").post(f"/api/v1/tasks/{task['id']}/complete", json={})
    assert response.status_code == 422
    assert as_user("reviewer").case(case["id"])["status"] == "awaiting_acceptance"


def test_invalid_task_data_changes_nothing(as_user):
    case = as_user("handler").submit()
    history_before = as_user("reviewer").get(f"/api/v1/cases/{case['id']}/history").get_json()["events"]
    task = as_user("reviewer").open_task(case["id"], "accept_submission")
    response = as_user("reviewer").post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"result": "maybe"}})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"result": ["取值不在允许范围内"]}
    after = as_user("reviewer").case(case["id"])
    assert after["status"] == "awaiting_acceptance"
    assert after["open_tasks"][0]["id"] == task["id"]
    assert after["reviewer"] is None
    history_after = as_user("reviewer").get(f"/api/v1/cases/{case['id']}/history").get_json()["events"]
    assert history_after == history_before


def test_task_detail_carries_its_form_schema(as_user):
    case = as_user("handler").submit()
    task = as_user("reviewer").open_task(case["id"], "accept_submission")
    detail = as_user("reviewer").get(f"/api/v1/tasks/{task['id']}").get_json()
    assert detail["form_schema"]["title"] == "受理审查：送审材料是否齐全"
    assert "result" in detail["form_schema"]["required"]


def test_unknown_routes_and_methods_answer_json(client):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"
    wrong_method = client.delete("/api/v1/auth/login")
    assert wrong_method.status_code == 405
    assert wrong_method.get_json()["error"]["code"] == "method_not_allowed"
    assert "POST" in wrong_method.headers["Allow"]
