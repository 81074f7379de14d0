"""The review checklist (审查要点) as one server-rendered page: every point with its verdict and note,
then the opinion. Field names are the form's JSON paths (checklist.procedure.note), so the server's
field errors land beside their fields; lists are written one item per line."""
from werkzeug.datastructures import MultiDict

from .labels import enum_choices

LINE_LIST_TYPES = ("array",)
LINES_PREFIX = "lines:"  # a textarea whose lines are the items of a list field


def applies(task) -> bool:
    return task.kind == "review_opinion"


def points(schema: dict) -> list[dict]:
    """[{code, title, verdicts: [(value, title)], note_title}] in the schema's order."""
    return [{"code": code, "title": point.get("title", code), "verdicts": enum_choices(point["properties"]["verdict"]),
             "note_title": point["properties"].get("note", {}).get("title", "")}
            for code, point in schema["properties"]["checklist"]["properties"].items()]


def other_fields(schema: dict) -> list[dict]:
    """The opinion fields after the checklist: enum as radios, arrays of strings one per line, text; show_when is
    the choice a field belongs to ({"opinion": "transfer"}), which checklist.js uses to show it only then."""
    fields = []
    for name, prop in schema["properties"].items():
        if name == "checklist":
            continue
        kind = "choice" if "enum" in prop else "lines" if prop.get("type") in LINE_LIST_TYPES else "text"
        fields.append({"name": name, "title": prop.get("title", name), "kind": kind, "choices": enum_choices(prop),
                       "long": prop.get("maxLength", 0) > 300, "required": name in schema.get("required", []),
                       "show_when": (prop.get("options") or {}).get("dependencies")})
    return fields


def parse(form: MultiDict) -> dict:
    """Posted fields to the form's JSON: dotted names nest, "lines:" fields split by line, blanks left out."""
    data: dict = {}
    for key in form:
        if key == "csrf_token":
            continue
        lines = key.startswith(LINES_PREFIX)
        name = key[len(LINES_PREFIX):] if lines else key
        raw = form.get(key, "")
        value = [line.strip() for line in raw.splitlines() if line.strip()] if lines else raw.strip()
        if not value:
            continue
        node = data
        parts = name.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return data


def value_at(data: dict | None, path: str, default=""):
    """The saved or posted value at a dotted path, for filling the page again."""
    node = data or {}
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node
