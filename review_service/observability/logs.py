"""One log line per event: JSON (time, level, logger, message, request_id, user, case_id) or plain text.

The request context (request id, acting user, case) is added by a filter, so every logger of the
process, the service's and the libraries', carries it when the event happens inside a request.
"""
import json
import logging
import sys
from datetime import UTC, datetime

from flask import g, has_request_context

CONTEXT_FIELDS = ("request_id", "user", "case_id")
_HANDLER_NAME = "review_service"


class RequestContextFilter(logging.Filter):
    """Copy request_id, user and case_id from flask.g onto the record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for field in CONTEXT_FIELDS:
            if not hasattr(record, field):
                setattr(record, field, request_context_value(field))
        return True


def request_context_value(field: str):
    """g.request_id / g.case_id, or the acting user's username; None outside a request or when unknown."""
    if not has_request_context():
        return None
    if field == "user":
        actor = g.get("actor")
        return getattr(actor, "username", None)
    return g.get(field)


class JsonFormatter(logging.Formatter):
    """The record as one JSON object on one line; `extra={...}` keys of an event are included."""

    _STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", *CONTEXT_FIELDS}

    def format(self, record: logging.LogRecord) -> str:
        time = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        line: dict[str, object] = {"time": time,
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        line.update({field: getattr(record, field, None) for field in CONTEXT_FIELDS})
        line.update({key: value for key, value in vars(record).items()
                     if key not in self._STANDARD and not key.startswith("_")})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(user)s case=%(case_id)s] %(message)s"


def configure_logging(log_format: str, level: str, stream=None) -> logging.Handler:
    """Install (or replace) the service's one handler on the root logger; return it."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level.upper())
    return handler
