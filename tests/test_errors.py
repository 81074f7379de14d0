"""An unexpected failure answers a JSON error without internals and saves nothing."""
from review_service.tasks import service as task_service


def test_unexpected_error_is_json_without_traceback_and_rolls_back(as_user, monkeypatch):
    case = as_user("handler").submit()
    task = as_user("reviewer").open_task(case["id"], "accept_submission")

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")
    monkeypatch.setattr(task_service, "sync_tasks", explode)
    response = as_user("reviewer").post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"result": "accept"}})
    assert response.status_code == 500
    body = response.get_json()
    assert body["error"]["code"] == "internal_error"
    assert "secret" not in response.get_data(as_text=True) and "Traceback" not in response.get_data(as_text=True)
    monkeypatch.undo()
    after = as_user("reviewer").case(case["id"])
    assert after["status"] == "awaiting_acceptance" and after["reviewer"] is None
    assert [t["id"] for t in after["open_tasks"]] == [task["id"]]


def test_an_unexpected_error_is_logged_once_with_its_request_id(as_user, monkeypatch, caplog):
    from review_service.casework import cases_api

    def explode(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(cases_api, "case_for_display", explode)
    handler = as_user("handler")
    response = handler.client.get("/api/v1/cases/1", headers={**handler.headers, "X-Request-ID": "probe-500"})
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "internal_error"
    records = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(records) == 1 and records[0].exc_info is not None
    assert getattr(records[0], "request_id", None) == "probe-500"


def test_text_no_database_can_store_is_refused_at_the_edge(as_user):
    handler = as_user("handler")
    for text in ("甲\\u0000乙", "\\ud800", "a\\udfffb"):  # JSON escapes: the server decodes them
        response = handler.client.post("/api/v1/cases", data=f'{{"case_number": "{text}"}}',
                                       headers={**handler.headers, "Content-Type": "application/json"})
        assert response.status_code == 422 and response.get_json()["error"]["code"] == "bad_text"
    assert handler.get("/api/v1/cases?status=%00").get_json()["error"]["code"] == "bad_text"


def test_deep_or_large_json_is_refused_before_it_is_parsed(as_user):
    handler = as_user("handler")
    deep = handler.client.post("/api/v1/cases", data="[" * 100000 + "]" * 100000, headers={
        **handler.headers, "Content-Type": "application/json"})
    assert deep.status_code == 422 and deep.get_json()["error"]["code"] == "json_too_deep"
    large = handler.client.post("/api/v1/cases", data='{"a": "' + "x" * (2 * 1024 * 1024) + '"}', headers={
        **handler.headers, "Content-Type": "application/json"})
    assert large.status_code == 413


def test_ids_beyond_the_database_integer_are_not_found(as_user):
    for path in ("/api/v1/cases/2147483648", "/api/v1/cases/99999999999999999999999/history"):
        response = as_user("handler").get(path)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
