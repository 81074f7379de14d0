"""One log line per event: JSON (time, level, logger, message, request_id, user, case_id) or plain text.

Every process (web under gunicorn, worker, CLI, Alembic migrations) logs through one handler on the root
logger, named "review_service": `configure_logging` installs it, and gunicorn's `logconfig_dict`
(`logging_config`) builds the same one, which `create_app` then replaces in each web worker, so no event
is written twice. The request context (request id, acting user, case) is added by a filter, so every
logger of the process, the service's and the libraries', carries it when the event happens inside a request.
"""
import json
import logging
import sys
from datetime import datetime, timezone

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
    if field == "user":  # the API's bearer-token user, else the pages' session user once flask-login loaded it
        actor = g.get("actor") or g.get("_login_user")
        return getattr(actor, "username", None)
    return g.get(field)


class JsonFormatter(logging.Formatter):
    """The record as one JSON object on one line; `extra={...}` keys of an event are included."""

    _STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", *CONTEXT_FIELDS}

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        line.update({field: getattr(record, field, None) for field in CONTEXT_FIELDS})
        line.update({key: value for key, value in vars(record).items()
                     if key not in self._STANDARD and not key.startswith("_")})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(user)s case=%(case_id)s] %(message)s"


def service_handler(log_format: str, stream=None) -> logging.Handler:
    """The one handler of a process: to stderr (or `stream`), JSON or text, with the request context."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    return handler


def configure_logging(log_format: str, level: str, stream=None) -> logging.Handler:
    """Install (or replace) the service's one handler on the root logger; return it.

    Python warnings become log events; under JSON an uncaught exception of a command is logged as one
    CRITICAL line with its traceback instead of a plain-text traceback."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(handler)
    handler = service_handler(log_format, stream)
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.captureWarnings(True)
    if log_format == "json":
        sys.excepthook = _log_uncaught
    return handler


def _log_uncaught(kind, value, traceback) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, traceback)
        return
    logging.getLogger("review_service").critical("uncaught exception: %s: %s", kind.__name__, value,
                                                 exc_info=(kind, value, traceback))


def logging_config(log_format: str, level: str) -> dict:
    """gunicorn's `logconfig_dict`: the service handler on the root logger; gunicorn's own error log
    propagates to it and its access log is off (the service writes one access line per request)."""
    return {
        "version": 1, "disable_existing_loggers": False,
        "handlers": {_HANDLER_NAME: {"()": service_handler, "log_format": log_format}},
        "root": {"level": level.upper(), "handlers": [_HANDLER_NAME]},
        "loggers": {"gunicorn.error": {"level": level.upper(), "handlers": [], "propagate": True},
                    "gunicorn.access": {"handlers": [], "propagate": False}},
    }
