"""A completed form as readable Chinese lines: each field's schema title and its value as text, never JSON.

The titles are the forms' own (forms/*.schema.json); choices show their enum_titles, dates 2026年10月30日,
booleans 是/否, uploaded files as a count. Used by the case page, the task pages and the archive's history.
"""
from dataclasses import dataclass
from datetime import date

from ..errors import NotFound
from .forms import form_schema


@dataclass(frozen=True)
class Line:
    """One filled-in field: its label (nested fields as 「parent · child」) and its value as text."""

    key: str
    label: str
    text: str


def chinese_date(value) -> str:
    """2026-10-30 (or a date) as 2026年10月30日; anything else unchanged."""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day.year}年{day.month}月{day.day}日"


def readable_form(form_key: str | None, data: dict | None) -> list[Line]:
    """The filled-in fields of data in the order of the form's schema, then any field it does not name."""
    if not data:
        return []
    try:
        schema = form_schema(form_key) if form_key else {}
    except NotFound:
        schema = {}
    return _object_lines(schema, data, prefix="", label_prefix="")


def _object_lines(schema: dict, data: dict, *, prefix: str, label_prefix: str) -> list[Line]:
    properties = schema.get("properties", {})
    ordered = [key for key in properties if key in data] + [key for key in data if key not in properties]
    lines = []
    for key in ordered:
        prop, value = properties.get(key, {}), data[key]
        label = label_prefix + prop.get("title", key)
        if _empty(value):
            continue
        if isinstance(value, dict):
            lines += _object_lines(prop, value, prefix=f"{prefix}{key}.", label_prefix=f"{label} · ")
        else:
            lines.append(Line(prefix + key, label, value_text(prop, value)))
    return lines


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def value_text(prop: dict, value) -> str:  # noqa: PLR0911  (one return per kind of value)
    """One value as text by its schema: choice titles, Chinese dates, 是/否, lists joined with 、."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return _list_text(prop.get("items", {}), value)
    if isinstance(value, dict):
        lines = _object_lines(prop, value, prefix="", label_prefix="")
        return "；".join(f"{line.label}：{line.text}" for line in lines)
    if "enum" in prop:
        titles = dict(zip(prop["enum"], prop.get("options", {}).get("enum_titles", prop["enum"]), strict=False))
        return str(titles.get(value, value))
    if prop.get("format") == "date":
        return chinese_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _list_text(items: dict, values: list) -> str:
    if items.get("format") == "uuid":
        return f"{len(values)} 个文件"
    if all(isinstance(item, dict) for item in values):
        return "\n".join(f"{n}. {value_text(items, item)}" for n, item in enumerate(values, 1))
    return "、".join(value_text(items, item) for item in values)
