"""Input checks at the edge, before any view: what no handler should ever have to survive.

- Path ids (`<int:...>`) match only 0..2**31-1, the range of the database's integer (else 404).
- A JSON body is at most MAX_JSON_BYTES and MAX_JSON_DEPTH deep (413 / 422, checked on the raw bytes
  before it is parsed, so a deep document cannot exhaust the parser's recursion).
- Text anywhere (path, query, form fields, JSON strings and keys) has no NUL and no unpaired surrogate
  (422 `bad_text`): PostgreSQL refuses the first, UTF-8 cannot encode the second.
"""
import re

from flask import Flask, request
from werkzeug.routing import IntegerConverter

from .errors import InvalidInput, ServiceError

DATABASE_INT_MAX = 2**31 - 1
MAX_JSON_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


class DatabaseIdConverter(IntegerConverter):
    """`<int:x>` that matches only ids the database's integer can hold (documented as the maximum)."""

    def __init__(self, map, fixed_digits=0, min=None, max=DATABASE_INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def install_converter(app: Flask) -> None:
    """Before any route is added: every `<int:>` becomes a DatabaseIdConverter."""
    app.url_map.converters["int"] = DatabaseIdConverter


def init_app(app: Flask) -> None:
    app.before_request(check_request)


def check_request() -> None:
    """The edge checks of the module docstring; raises a ServiceError the error handlers answer."""
    for where, values in (("path", (request.view_args or {}).items()), ("query", request.args.items(multi=True))):
        for name, value in values:
            _check_text(value, f"{where}.{name}")
    if request.is_json:
        _check_json_body()
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in request.form.items(multi=True):
            _check_text(value, f"form.{name}")
        for name, upload in request.files.items(multi=True):
            _check_text(upload.filename or "", f"form.{name}")


def _check_json_body() -> None:
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise ServiceError(f"JSON 请求体超过 {MAX_JSON_BYTES // 1024} KB 上限", code="payload_too_large", status=413)
    raw = request.get_data(cache=True)
    if len(raw) > MAX_JSON_BYTES:
        raise ServiceError(f"JSON 请求体超过 {MAX_JSON_BYTES // 1024} KB 上限", code="payload_too_large", status=413)
    if _openings(raw) > MAX_JSON_DEPTH and json_depth(raw) > MAX_JSON_DEPTH:
        raise InvalidInput(f"JSON 嵌套超过 {MAX_JSON_DEPTH} 层", code="json_too_deep",
                           fields={"_body": [f"嵌套不得超过 {MAX_JSON_DEPTH} 层"]})
    body = request.get_json(silent=True)
    _walk(body, "json")


def _openings(raw: bytes) -> int:
    """How many [ and { the text holds, strings included: a bound of its depth, counted at C speed (a body
    with at most MAX_JSON_DEPTH of them needs no walk byte by byte)."""
    return raw.count(b"[") + raw.count(b"{")


def json_depth(raw: bytes) -> int:
    """The deepest nesting of [ and { in a JSON text (brackets inside strings do not count)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _walk(value, path: str) -> None:
    if isinstance(value, str):
        _check_text(value, path)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, path)
            _walk(item, f"{path}.{key}" if not _BAD_TEXT.search(key) else path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}.{index}")


def _check_text(value: str, where: str) -> None:
    if isinstance(value, str) and _BAD_TEXT.search(value):
        message = "文本不得包含 NUL 字符或不成对的代理字符"
        raise InvalidInput(message, code="bad_text", fields={where: [message]})
