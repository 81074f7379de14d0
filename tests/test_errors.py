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
