"""Form posts of the pages: the JSON a form renderer sends, and refusals turned into field errors."""
import json

from flask import request
from flask_babel import gettext as _

from ..errors import InvalidInput, ServiceError


def posted_json() -> dict:
    """The form's data: a JSON object in the `data` field of a normal (CSRF-protected) form post."""
    raw = request.form.get("data", "")
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise InvalidInput(_("The form data could not be read; reload the page and try again."),
                           code="invalid_json", fields={"_body": [_("not a JSON object")]})
    return data


def posted_json_or_none() -> dict | None:
    """The posted data to fill the form again after a refusal, or None if it was unreadable."""
    try:
        return posted_json()
    except InvalidInput:
        return None


def form_page_errors(refusal: ServiceError) -> dict:
    """What the page shows: the message, and the failing fields as json-editor paths (root.a.b)."""
    fields = refusal.fields or {}
    return {"code": refusal.code, "message": refusal.message, "fields": fields,
            "editor": [{"path": "root" if name in ("_schema", "_body") else f"root.{name}",
                        "property": "server", "message": "；".join(messages)}
                       for name, messages in fields.items()]}


def _step(schema: dict, key: str) -> tuple[dict, str]:
    """The sub-schema under `key` and the words naming it (a list item is named by its number)."""
    if key.isdigit():
        items = schema.get("items") or {}
        return items, str(int(key) + 1)
    sub = (schema.get("properties") or {}).get(key) or {}
    return sub, sub.get("title") or key


def field_title(schema: dict | None, name: str) -> str:
    """A readable title of a failing field: 'materials.0.name' -> '材料 1 · 名称' (the schema's titles)."""
    if name in ("_schema", "_body"):
        return _("Form")
    parts: list[str] = []
    current = schema or {}
    for key in name.split("."):
        current, words = _step(current, key)
        if key.isdigit() and parts:
            parts[-1] = f"{parts[-1]} {words}"
        else:
            parts.append(words)
    return " · ".join(parts)


def error_items(errors: dict | None, schema: dict | None) -> list[dict]:
    """Each failing field once: its json-editor path, readable title and messages (joined once)."""
    if not errors:
        return []
    items = []
    for name, messages in (errors.get("fields") or {}).items():
        unique = list(dict.fromkeys(messages))
        items.append({"name": name, "path": "root" if name in ("_schema", "_body") else f"root.{name}",
                      "title": field_title(schema, name), "message": "；".join(unique)})
    return sorted(items, key=lambda item: _position(schema, item["name"]))


def _position(schema: dict | None, name: str) -> list[int]:
    """Where the field comes in the form (the schema's order), so the list reads top to bottom."""
    position, current = [], schema or {}
    for key in name.split("."):
        if key.isdigit():
            position.append(int(key))
            current = current.get("items") or {}
            continue
        keys = list((current.get("properties") or {}).keys())
        position.append(keys.index(key) if key in keys else -1)
        current = (current.get("properties") or {}).get(key) or {}
    return position
