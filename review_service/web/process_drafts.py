"""A designer's draft in the browser (one edited BPMN + profile.json) and what the pages show about versions.

The draft becomes the same upload the API and the CLI send to processes.versions.publish_for_agency:
the edited diagram replaces the main .bpmn, the other diagrams of the version it replaces go along
unchanged (an upload with any diagram replaces the whole set), catalog.json is inherited. What the
designer did not change is left out of the upload, so publishing an untouched draft stores nothing new.
"""
import copy
import json

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.models import User
from ..accounts.roles import Actor
from ..errors import InvalidInput
from ..extensions import db
from ..processes.diagrams import main_bpmn_name
from ..processes.models import ProcessVersion
from ..processes.validation import PROFILE_FILE, profile_schema
from ..processes.versions import publish_for_agency
from . import labels

# Display names of the profile's enumerations (the schema itself only has the codes).
ENUM_TITLES = {
    ("time_limits", "supplement_mode"): {"RESTART": _l("Restart the period after a supplement"),
                                         "SUSPEND": _l("Suspend the period and continue after a supplement")},
    ("extension_approver",): {"deputy_head": _l("Deputy head"), "head": _l("Agency head"),
                              "review_head": _l("Head of the review unit")},
    ("escalation_target",): {"agency_head": _l("Agency head"), "collective_discussion": _l("Collective discussion"),
                             "higher_agency": _l("Agency at the level above"),
                             "justice_department": _l("Justice department")},
    ("retention",): {"permanent": _l("Permanent"), "30_years": _l("30 years"), "10_years": _l("10 years")},
}
# Titles of the profile's fields that are codes in the schema: the canonical opinions and their words.
OPINION_TITLES = {"approve": _l("Approved (approve)"), "issues": _l("Issues found (issues)"),
                  "transfer": _l("Transfer to another authority (transfer)")}
TERM_TITLES = {"label": _l("Word shown on the form"), "aliases": _l("Other accepted words")}
# The Spiff properties of a step, as the Step properties pane names them (the BPMN keeps the codes).
STEP_PROPERTY_TITLES = {
    "formJsonSchemaFilename": _l("Form"), "taskKind": _l("Kind of step"), "caseStatus": _l("Case status"),
    "deadlineKind": _l("Time limit kind"), "deadlineWorkingDays": _l("Time limit (working days)"),
    "deadlineCalendarDays": _l("Time limit (calendar days)"), "deadlineStart": _l("Time limit starts on"),
    "deadlineCapFrom": _l("Statutory period counted from"),
    "deadlineCapCalendarDays": _l("Statutory period (calendar days)"), "deadlineCap": _l("Latest due date"),
    "extensionWorkingDays": _l("Extension (working days)"), "supplementMode": _l("After a supplement"),
    "reminderWorkingDays": _l("Reminder before the due date (working days)"),
    "pausesDeadline": _l("Pauses the time limit of kind"),
}
# The BPMN attributes and texts the diff page lists (processes.element_diff names them as in the XML).
DIFF_PROPERTY_TITLES = {
    **STEP_PROPERTY_TITLES, "name": _l("Name"), "type": _l("Element type"),
    "conditionExpression": _l("Condition"), "script": _l("Script"), "documentation": _l("Description"),
    "sourceRef": _l("From"), "targetRef": _l("To"), "default": _l("Default flow"),
    "preScript": _l("Script before the step"), "postScript": _l("Script after the step"),
    "flowNodeRef": _l("Steps in the lane"),
}


def draft_files(base: ProcessVersion | None, bpmn: str | None, profile: str | None) -> dict[str, bytes]:
    """The upload for publish_for_agency: the edited diagram with the base's other diagrams (no diagram sent: the
    base's are inherited), and the profile unless it means the same as the base's (kept byte for byte then)."""
    sources = base.sources if base is not None else {}
    files = {}
    if bpmn is not None:
        if not bpmn.strip():
            message = str(_l("The diagram is empty."))
            raise InvalidInput(message, code="process_invalid", fields={"files": [f"-:-:-: {message}"]})
        name = main_bpmn_name(sources)
        files = {other: text.encode("utf-8") for other, text in sources.items()
                 if other.endswith((".bpmn", ".dmn")) and other != name}
        files[name] = bpmn.encode("utf-8")
    if profile is not None and profile.strip() and not _same_json(profile, sources.get(PROFILE_FILE)):
        files[PROFILE_FILE] = profile.encode("utf-8")
    if not files and sources:  # nothing changed: the base's own profile, so the service answers "identical"
        name = PROFILE_FILE if PROFILE_FILE in sources else main_bpmn_name(sources)
        files[name] = sources[name].encode("utf-8")
    return files


def _same_json(text: str, other: str | None) -> bool:
    try:
        return other is not None and json.loads(text) == json.loads(other)
    except ValueError:
        return False


class _DryRun(Exception):
    """Raised inside the savepoint of a validation so that nothing of it is kept."""


def check_draft(agency, files: dict[str, bytes], *, actor: Actor) -> list[dict]:
    """Every problem the publishing service finds in the draft (empty: it would publish); nothing is stored."""
    try:
        with db.session.begin_nested():
            publish_for_agency(agency, files, actor=actor)
            raise _DryRun
    except _DryRun:
        return []
    except InvalidInput as refusal:
        return problem_rows(refusal)


def problem_rows(refusal: InvalidInput) -> list[dict]:
    """The refusal's problems as {file, element, line, message}: from the engine's DefinitionProblems when the
    refusal carries them, else parsed from 'file:element:line: message'."""
    problems = getattr(refusal.__cause__, "problems", None)
    if problems:
        return [{"file": p.file or "", "element": p.element_id or "", "line": p.line, "message": p.message}
                for p in problems]
    rows = []
    for text in (refusal.fields or {}).get("files", []) or [refusal.message]:
        parts = text.split(":", 3)
        if len(parts) == 4:
            file, element, line, message = parts
            rows.append({"file": file.strip("-"), "element": element.strip("-"),
                         "line": int(line) if line.isdigit() else None, "message": message.strip()})
        else:
            rows.append({"file": "", "element": "", "line": None, "message": text})
    return rows


def time_limits_of(version: ProcessVersion) -> list[tuple[str, str]]:
    """(title, value) of each time limit the version's profile.json sets; [] when it sets none."""
    try:
        limits = json.loads(version.sources.get(PROFILE_FILE) or "{}").get("time_limits") or {}
    except (ValueError, AttributeError):
        return []
    fields = profile_schema()["properties"]["time_limits"]["properties"]
    return [(fields.get(key, {}).get("title", key), _shown(value)) for key, value in limits.items()]


def publishers(versions: list[ProcessVersion]) -> dict[int, str]:
    """user id -> full name of everyone who published one of the versions (one query)."""
    ids = {v.published_by_id for v in versions if v.published_by_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())


def profile_editor_schema(time_limit_defaults: dict | None = None) -> dict:
    """profile.schema.json as json-editor takes it: $refs inlined (it knows no $defs), enum display names added,
    each time limit starting from the diagram's default when ticked."""
    schema = profile_schema()
    definitions = schema.pop("$defs", {})
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    schema = _for_the_form(_inline_refs(schema, definitions))
    for path, titles in ENUM_TITLES.items():
        node = schema
        for key in path:
            node = node.get("properties", {}).get(key, {})
        if "enum" not in node:
            continue
        node.setdefault("type", "string")  # else json-editor offers a type switcher
        node.setdefault("options", {})["enum_titles"] = [str(titles.get(code, code)) for code in node["enum"]]
    _title_opinions(schema)
    limits = schema.get("properties", {}).get("time_limits", {}).get("properties", {})
    _title_decision_types(limits.get("publication_working_days"), (time_limit_defaults or {}))
    for key, value in (time_limit_defaults or {}).items():
        if key in limits:
            limits[key]["default"] = value
            limits[key]["description"] = str(_l("Default in the diagram: %(value)s", value=_shown(value)))
    if "publication_working_days" in limits:  # keys are decision types: let them be added
        limits["publication_working_days"].setdefault("options", {})["disable_properties"] = False
    return schema


def _title_opinions(schema: dict) -> None:
    """The opinion codes (approve, issues, transfer) and their label/aliases fields titled in Chinese."""
    opinions = schema.get("properties", {}).get("opinion_vocabulary", {}).get("properties", {})
    for code, node in opinions.items():
        node["title"] = str(OPINION_TITLES.get(code, code))
        for key, child in node.get("properties", {}).items():
            child["title"] = str(TERM_TITLES.get(key, key))
        if "aliases" in node.get("properties", {}):
            node["properties"]["aliases"]["format"] = "table"
            node["properties"]["aliases"]["items"]["title"] = str(_l("Word"))


def _title_decision_types(node: dict | None, defaults: dict) -> None:
    """publication_working_days is keyed by decision type: the diagram's types as named fields."""
    if not node:
        return
    codes = list(defaults.get("publication_working_days") or {}) or ["administrative_penalty", "administrative_license"]
    item = node.get("additionalProperties") or {"type": "integer"}
    node["properties"] = {code: {**copy.deepcopy(item), "title": labels.decision_type(code), "propertyOrder": order}
                          for order, code in enumerate(codes, start=1)}


def _shown(value) -> str:
    if isinstance(value, dict):
        return "、".join(f"{labels.decision_type(key)} {item}" for key, item in value.items())
    return str(value)


def _for_the_form(node):
    """Fields in the schema's order (json-editor sorts them by name otherwise), booleans as checkboxes, no
    descriptions (the schema's are notes for developers, in English)."""
    if isinstance(node, dict):
        node = {key: _for_the_form(value) for key, value in node.items()
                if not (key == "description" and isinstance(value, str))}
        for order, child in enumerate((node.get("properties") or {}).values(), start=1):
            child["propertyOrder"] = order
        if node.get("type") == "boolean":
            node["format"] = "checkbox"
    elif isinstance(node, list):
        node = [_for_the_form(item) for item in node]
    return node


def _inline_refs(node, definitions: dict):
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inline_refs(copy.deepcopy(definitions[ref.removeprefix("#/$defs/")]), definitions)
        return {key: _inline_refs(value, definitions) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(item, definitions) for item in node]
    return node
