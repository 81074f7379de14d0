"""Publishing check that runs the diagram's time limits and conditions against a sample case.

The snippet check (engine.snippets) only compiles each expression; "五个工作日" compiles (a valid name)
and fails only when a case reaches the task. Here the set_time_limits script runs, and every deadline
property and sequence-flow condition is evaluated, in the engine's own sandbox (RestrictedEnvironment with
the script helpers) on a representative case: the case facts the service gives every run, the agency's
profile, and one sample completion per form (built from the form's schema). A failure is a problem of
the element it belongs to (the task, the flow, the script task).
"""
import copy
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from ..engine import DefinitionProblem, RestrictedEnvironment, ScriptLimitExceeded, ScriptRejected, assigned_names
from ..json_documents import load_json
from ..workdays.scripting import SCRIPT_HELPERS
from ..workdays.sources import CalendarDataMissing

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
SAMPLE_DAY = "2026-03-02"
TIME_LIMITS_TASK = "set_time_limits"  # as processes.diagrams
# The facts cases.workflow.workflow_data gives every run, for a typical penalty case.
SAMPLE_CASE = {"agency_code": "sample", "decision_type": "administrative_penalty", "party_type": "legal_person",
               "fine_amount": 50000.0, "confiscation_amount": 0.0, "sanctions": ["fine"], "hearing_held": False,
               "filed_on": SAMPLE_DAY, "complexity": {}}
INTEGER_PROPERTIES = ("deadlineWorkingDays", "deadlineCalendarDays", "deadlineCapCalendarDays",
                      "extensionWorkingDays", "reminderWorkingDays")
DATE_PROPERTIES = ("deadlineStart", "deadlineCapFrom", "deadlineCap")
SUPPLEMENT_MODES = ("RESTART", "SUSPEND")


def sample_case_problems(diagrams: dict[str, bytes], profile: dict, forms_dir: Path) -> list[DefinitionProblem]:
    """Every time limit and condition of the .bpmn files that fails on the sample case."""
    problems: list[DefinitionProblem] = []
    for name, payload in sorted(diagrams.items()):
        if not name.endswith(".bpmn"):
            continue
        try:
            tree = etree.fromstring(payload, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            continue  # reported by parse_process
        environment = RestrictedEnvironment(SCRIPT_HELPERS)
        data, unknown, found = _sample_data(tree, environment, profile, forms_dir, name)
        problems += found
        problems += _property_problems(tree, environment, data, unknown, name)
        problems += _condition_problems(tree, environment, data, unknown, name)
    return problems


def _sample_data(tree, environment, profile: dict, forms_dir: Path, file_name: str):
    """(data, names scripts set that the sample does not have, problems of the set_time_limits script)."""
    data: dict[str, Any] = {"review_required": True, "agency_profile": copy.deepcopy(profile),
                            "case": dict(SAMPLE_CASE)}
    for task in _human_tasks(tree):
        form = _properties(task).get("formJsonSchemaFilename")
        document = _form_schema(forms_dir, form) if form else None
        if document is not None:
            data[task.get("id")] = sample_value(document)
    problems, unknown = [], set()
    for owner, source in _scripts(tree):
        if owner.tag == f"{BPMN}scriptTask" and owner.get("id") != TIME_LIMITS_TASK:
            unknown |= assigned_names(source)
            continue
        context = copy.deepcopy(data)
        try:
            environment.execute(source, context)
        except (CalendarDataMissing, ScriptRejected, SyntaxError):
            unknown |= assigned_names(source)
            continue
        except (Exception, ScriptLimitExceeded) as exc:  # noqa: BLE001 - designer code: the designer's problem
            unknown |= assigned_names(source)
            if owner.get("id") == TIME_LIMITS_TASK:
                problems.append(DefinitionProblem(file_name, owner.get("id"), owner.sourceline,
                                                  f"{_title(owner)}的脚本在示例案件上运行失败: {_reason(exc)}"))
            continue
        assigned = assigned_names(source)
        data.update({key: value for key, value in context.items() if key in assigned})
    return data, unknown - set(data), problems


def _scripts(tree):
    """(owning element, source) of the set_time_limits script, then the pre- and post-scripts (one-line
    copies of a form's answer, e.g. dispute_outcome). Other script tasks do not run here: the variables they
    set are unknown to the sample, and what reads them is not judged."""
    for task in tree.iter(f"{BPMN}scriptTask"):
        script = task.find(f"{BPMN}script")
        if script is not None and (script.text or "").strip():
            yield task, script.text
    for tag in ("preScript", "postScript"):
        for script in tree.iter(f"{SPIFF}{tag}"):
            if (script.text or "").strip():
                yield _owner(script), script.text


def _property_problems(tree, environment, data: dict, unknown: set, file_name: str) -> list[DefinitionProblem]:
    problems = []
    for task in _human_tasks(tree):
        for name, source in _properties(task).items():
            if name not in INTEGER_PROPERTIES + DATE_PROPERTIES + ("supplementMode",) or not source:
                continue
            message = _evaluation_problem(environment, source, data, unknown, name)
            if message:
                problems.append(DefinitionProblem(file_name, task.get("id"), task.sourceline,
                                                  f"{_title(task)}的 {name}（{source}）{message}"))
    return problems


def _evaluation_problem(environment, source: str, data: dict, unknown: set, name: str) -> str | None:
    """Why the property's expression is no valid value on the sample case (None: it is)."""
    try:
        value = environment.evaluate(source, dict(data))  # an expression sets nothing
    except (CalendarDataMissing, ScriptRejected, SyntaxError):
        return None  # no calendar data in the sample's year; refused snippets are reported by engine.snippets
    except (Exception, ScriptLimitExceeded) as exc:  # noqa: BLE001 - reported to the designer
        return None if _needs_unknown(source, unknown) else f"在示例案件上求值失败: {_reason(exc)}"
    try:
        if name in INTEGER_PROPERTIES:
            if isinstance(value, bool) or int(value) != value or int(value) < 0:
                return f"的结果须为不为负的整数天数，示例案件上为 {value!r}"
        elif name in DATE_PROPERTIES:
            date.fromisoformat(str(value)[:10])
        elif str(value).upper() not in SUPPLEMENT_MODES:
            return f"的结果须为 RESTART 或 SUSPEND，示例案件上为 {value!r}"
    except (TypeError, ValueError):
        kind = "整数天数" if name in INTEGER_PROPERTIES else "日期（YYYY-MM-DD）"
        return f"的结果须为{kind}，示例案件上为 {value!r}"
    return None


def _condition_problems(tree, environment, data: dict, unknown: set, file_name: str) -> list[DefinitionProblem]:
    problems = []
    for condition in tree.iter(f"{BPMN}conditionExpression"):
        source = (condition.text or "").strip()
        flow = _owner(condition)
        if not source or flow is None:
            continue
        try:
            environment.evaluate(source, dict(data))  # an expression sets nothing
        except (CalendarDataMissing, ScriptRejected, SyntaxError):
            continue
        except (Exception, ScriptLimitExceeded) as exc:  # noqa: BLE001 - reported to the designer
            if not _needs_unknown(source, unknown):
                message = f"{_title(flow)}的条件（{source}）在示例案件上求值失败: {_reason(exc)}"
                problems.append(DefinitionProblem(file_name, flow.get("id"), condition.sourceline, message))
    return problems


def _needs_unknown(source: str, unknown: set) -> bool:
    """The expression reads a variable a script sets that could not run on the sample: not judged."""
    return any(name in source for name in unknown)


def sample_value(schema: Any) -> Any:
    """A value the JSON schema accepts, as a demo completion would send (default, first choice, a date...)."""
    if not isinstance(schema, dict):
        return None
    given = [schema[key] for key in ("default", "const") if key in schema] + (schema.get("enum") or [])[:1]
    if given:
        return copy.deepcopy(given[0])
    if schema.get("oneOf") and isinstance(schema["oneOf"], list):
        return sample_value(schema["oneOf"][0])
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    if kind == "object" or "properties" in schema:
        return {key: sample_value(child) for key, child in (schema.get("properties") or {}).items()}
    return _sample_scalar(kind, schema)


def _sample_scalar(kind: Any, schema: dict) -> Any:
    if kind == "array":
        return [sample_value(schema["items"])] if isinstance(schema.get("items"), dict) else []
    if kind in ("integer", "number"):
        return max(schema.get("minimum", 1), 1)
    scalars: dict[Any, Any] = {"boolean": False, "null": None}
    return scalars.get(kind, SAMPLE_DAY if schema.get("format") in ("date", "date-time") else "示例")


def _form_schema(forms_dir: Path, form: str) -> dict | None:
    path = (forms_dir / form).resolve()
    if path.parent != forms_dir.resolve() or not path.is_file():
        return None  # reported by the structure check
    document, problems = load_json(path.read_bytes(), form)
    return document if not problems and isinstance(document, dict) else None


def _human_tasks(tree):
    for tag in ("userTask", "manualTask"):
        yield from tree.iter(f"{BPMN}{tag}")


def _properties(task) -> dict:
    return {prop.get("name"): prop.get("value") for prop in task.iter(f"{SPIFF}property")}


def _owner(element):
    while element is not None and not element.get("id"):
        element = element.getparent()
    return element


def _title(element) -> str:
    name = element.get("name")
    return f"「{name}」（{element.get('id')}）" if name else str(element.get("id"))


def _reason(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, NameError) and "name '" in text:
        return f"未定义的名称 {text.split(chr(39))[1]}（文字须写成数字或 time_limits[...] 等表达式）"
    return f"{type(exc).__name__}: {text}"
