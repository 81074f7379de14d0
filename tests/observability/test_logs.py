"""JSON log lines: one per event, with the request id (echoed in X-Request-ID), the user and the case."""
import io
import json
import logging

from review_service.observability.logs import configure_logging


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
