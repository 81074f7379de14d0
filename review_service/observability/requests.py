"""Per-request hooks: request id (X-Request-ID in and out), case id for the logs, access log, request metrics."""
import logging
import re
import time
import uuid

from flask import Flask, g, request

from .metrics import observe_request

access_log = logging.getLogger("review_service.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
CASE_ANSWER_BYTES = 64 * 1024  # larger JSON answers are not parsed for their case id


def register_request_hooks(app: Flask) -> None:
    app.before_request(start_request)
    app.after_request(finish_request)


def start_request() -> None:
    """Take the caller's X-Request-ID when it is sane, else make one; note the case id from the URL."""
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()
    g.case_id = (request.view_args or {}).get("case_id")


def finish_request(response):
    """Echo the request id, count and time the request, write the access log line."""
    started = g.get("request_started")
    if started is None:  # a hook before ours answered; still give the caller a request id
        start_request()
        started = g.request_started
    elapsed = time.perf_counter() - started
    if g.get("case_id") is None:
        g.case_id = _case_id_from(response)
    response.headers["X-Request-ID"] = g.request_id
    endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
    observe_request(endpoint, request.method, response.status_code, elapsed)
    if access_log.isEnabledFor(logging.INFO):
        access_log.info("%s %s %s", request.method, request.path, response.status_code,
                        extra={"method": request.method, "path": request.path, "endpoint": endpoint,
                               "status": response.status_code, "duration_ms": round(elapsed * 1000, 2),
                               "remote_addr": request.remote_addr})
    return response


def _case_id_from(response):
    """The case a JSON answer is about: its case_id, or its id when it is a case (never a file being sent, nor
    an answer over CASE_ANSWER_BYTES: lists and dashboards are about no single case, and parsing them costs)."""
    if not response.is_json or response.status_code >= 400 or response.direct_passthrough:
        return None
    if (response.content_length or 0) > CASE_ANSWER_BYTES:
        return None
    body = response.get_json(silent=True)
    if not isinstance(body, dict):
        return None
    if isinstance(body.get("case_id"), int):
        return body["case_id"]
    is_case = request.blueprint == "cases" and "case_number" in body
    return body.get("id") if is_case and isinstance(body.get("id"), int) else None
