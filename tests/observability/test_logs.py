"""JSON log lines: one per event, with the request id (echoed in X-Request-ID), the user and the case."""
import io
import json
import logging
import re

from review_service.observability.logs import configure_logging

from ..factories import PASSWORD


def _capture():
    stream = io.StringIO()
    configure_logging("json", "INFO", stream=stream)
    return stream


def _lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_access_line_carries_request_id_user_and_case(as_user):
    handler = as_user("handler")
    stream = _capture()
    response = handler.post("/api/v1/cases", json=None)  # refused: no case id in the line
    case = handler.submit()
    response = handler.client.get(f"/api/v1/cases/{case['id']}", headers={**handler.headers, "X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    access = [line for line in _lines(stream) if line["logger"] == "review_service.access"]
    assert len(access) == 3
    submitted, fetched = access[1], access[2]
    assert submitted["user"] == "handler" and submitted["case_id"] == case["id"] and submitted["status"] == 201
    assert len(submitted["request_id"]) == 32  # generated
    assert fetched["request_id"] == "abc-123" and fetched["case_id"] == case["id"]
    assert fetched["endpoint"] == "/api/v1/cases/<int:case_id>" and fetched["method"] == "GET"
    assert set(fetched) >= {"time", "level", "logger", "message", "duration_ms"}
    assert access[0]["case_id"] is None and access[0]["status"] == 422


def test_request_id_generated_when_missing_or_unsafe(client):
    _capture()
    generated = client.get("/healthz").headers["X-Request-ID"]
    unsafe = client.get("/healthz", headers={"X-Request-ID": "x" * 300}).headers["X-Request-ID"]
    assert len(generated) == 32 and len(unsafe) == 32 and generated != unsafe


def test_application_log_inside_a_request_carries_the_context(app):
    from flask import g

    from review_service import create_app
    probe_app = create_app({key: app.config[key] for key in ("TESTING", "SQLALCHEMY_DATABASE_URI", "ATTACHMENTS_DIR",
                                                            "PASSWORD_HASH_METHOD")})

    @probe_app.get("/_log_probe/<int:case_id>")
    def probe(case_id):
        g.actor = type("Actor", (), {"username": "handler"})()
        logging.getLogger("review_service.probe").warning("probe %s", case_id)
        return {"ok": True}

    stream = _capture()
    response = probe_app.test_client().get("/_log_probe/42", headers={"X-Request-ID": "req-7"})
    assert response.status_code == 200
    line = next(line for line in _lines(stream) if line["logger"] == "review_service.probe")
    assert (line["level"], line["message"], line["request_id"], line["user"], line["case_id"]) == \
        ("WARNING", "probe 42", "req-7", "handler", 42)


def test_text_format_is_the_default_for_a_laptop(client):
    stream = io.StringIO()
    configure_logging("text", "INFO", stream=stream)
    client.get("/healthz", headers={"X-Request-ID": "r1"})
    assert "GET /healthz 200" in stream.getvalue() and "[r1 None" in stream.getvalue()


def test_a_json_file_sent_as_a_download_is_not_read_for_its_case(app):
    from flask import send_file

    from review_service.observability.requests import _case_id_from
    with app.test_request_context("/designer/versions/1/profile.json"):
        response = send_file(io.BytesIO(b'{"case_id": 7}'), mimetype="application/json", as_attachment=True,
                             download_name="profile.json")
        assert response.direct_passthrough
        assert _case_id_from(response) is None  # get_json() on a passthrough file response would raise


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_gunicorn_and_the_app_write_each_event_once(app, capsys):
    """gunicorn's logconfig_dict installs the service handler; create_app in the worker replaces it, never adds."""
    from logging.config import dictConfig

    from review_service import create_app
    from review_service.observability.logs import logging_config
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        dictConfig(logging_config("json", "INFO"))
        logging.getLogger("gunicorn.error").info("Booting worker")
        web = create_app({key: app.config[key] for key in ("TESTING", "SQLALCHEMY_DATABASE_URI", "LOG_FORMAT")}
                         | {"LOG_FORMAT": "json"})
        web.test_client().get("/healthz", headers={"X-Request-ID": "once-1"})
        lines = _json_lines(capsys.readouterr().err)
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in before:
            root.addHandler(handler)
    assert [line["message"] for line in lines if line["logger"] == "gunicorn.error"] == ["Booting worker"]
    access = [line for line in lines if line["logger"] == "review_service.access"]
    assert len(access) == 1 and access[0]["request_id"] == "once-1"


def test_page_requests_carry_the_session_user(client):
    stream = _capture()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    login = {"username": "handler", "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    assert client.get("/inbox").status_code == 200
    [inbox] = [line for line in _lines(stream)
               if line["logger"] == "review_service.access" and line["path"] == "/inbox"]
    assert inbox["user"] == "handler"


def test_worker_start_and_stop_are_log_events(runner, monkeypatch):
    monkeypatch.setattr("review_service.jobs.cli.run_worker", lambda *args, **kwargs: 3)
    stream = _capture()
    result = runner.invoke(args=["review", "worker", "--poll", "0.1"])
    assert result.exit_code == 0, result.output
    assert result.output == ""  # nothing on stdout: start and stop are log lines
    worker = [line for line in _lines(stream) if line["logger"] == "review_service.jobs.cli"]
    assert [line["message"].split(" ", 2)[2] for line in worker] == [
        "started (queues default,documents, batch 20, poll 0.1s, max wait 60.0s)", "stopped after 3 jobs"]
    assert worker[1]["jobs_done"] == 3


def test_migrations_log_through_the_service_handler(tmp_path):
    """Alembic's env.py no longer installs its own text handler (fileConfig) over the service's."""
    from review_service import create_app
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/fresh.db"})
    stream = _capture()
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    lines = _lines(stream)  # every line is JSON, or json.loads fails
    assert any(line["logger"] == "alembic.runtime.migration" and line["message"].startswith("Running upgrade")
               for line in lines)
    assert [h.get_name() for h in logging.getLogger().handlers].count("review_service") == 1


def test_an_uncaught_exception_of_a_command_is_one_json_line(monkeypatch):
    import sys
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    stream = _capture()
    try:
        raise ValueError("broken input file")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    [line] = _lines(stream)
    assert line["level"] == "CRITICAL" and "ValueError: broken input file" in line["message"]
    assert "Traceback" in line["exception"]
