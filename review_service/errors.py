"""Errors every layer raises, and the one JSON shape the API answers them with.

Body: {"error": {"code": <stable machine code>, "message": <human text>, "fields": {path: [messages]}}}
"""
import logging

from flask import jsonify
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """A refusal with a stable code; the outermost caller rolls the transaction back."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, fields: dict | None = None,
                 status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.fields = fields or {}
        self.status = status or self.status


class Unauthorized(ServiceError):
    status, code = 401, "unauthorized"


class Forbidden(ServiceError):
    status, code = 403, "forbidden"


class NotFound(ServiceError):
    status, code = 404, "not_found"


class Conflict(ServiceError):
    status, code = 409, "conflict"


class InvalidInput(ServiceError):
    status, code = 422, "validation_failed"


class ErrorSchema(Schema):
    code = fields.String(required=True, metadata={"description": "stable machine code, e.g. review_not_passed"})
    message = fields.String(required=True, metadata={"description": "human-readable message (zh-CN)"})
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.List(fields.String()),
                          metadata={"description": "failing field path -> messages"})


class ErrorEnvelopeSchema(Schema):
    """The body of every error response."""

    error = fields.Nested(ErrorSchema, required=True)


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "validation_failed", 429: "too_many_requests",
}


def http_exception_response(error: HTTPException):
    """Turn werkzeug and webargs errors into the JSON error body."""
    fields = {}
    messages = (getattr(error, "data", None) or {}).get("messages")
    if messages:  # webargs: {"json": {"field": ["msg"]}}
        for location_errors in messages.values():
            fields.update(flatten_messages(location_errors))
    status = error.code or 500
    message = "请求数据不合法" if fields else (error.description or error.name)
    response = jsonify(error_body(HTTP_CODES.get(status, "http_error"), message, fields))
    response.status_code = status
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def flatten_messages(errors, prefix="") -> dict:
    """marshmallow's nested {field: messages} as {"a.b.c": [messages]}."""
    flat = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            flat.update(flatten_messages(value, f"{prefix}.{key}" if prefix else str(key)))
    else:
        flat[prefix or "_schema"] = errors if isinstance(errors, list) else [errors]
    return flat


def register_error_handlers(app):
    @app.errorhandler(ServiceError)
    def _service_error(error: ServiceError):
        response = jsonify(error_body(error.code, error.message, error.fields))
        response.status_code = error.status
        return response

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        return http_exception_response(error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        """Any other failure (the unit of work has rolled back): logged once, with the request id the log
        context adds, and answered in the JSON error shape; nothing here may fail in turn."""
        try:
            log.error("unhandled error: %s", type(error).__name__, exc_info=error)
        except Exception:  # noqa: BLE001
            pass
        response = jsonify(error_body("internal_error", "服务器内部错误，操作未保存，请稍后重试"))
        response.status_code = 500
        return response
