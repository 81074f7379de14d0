"""Check an uploaded process definition before anything is stored.

Every problem names the file, the element (a BPMN id or a JSON path) and, where known, the line:
XML and BPMN schema, snippets under the restricted engine (engine.parse_process), the structure the
service relies on (lanes, task kinds, form keys in forms/), and the profile and catalog schemas.
"""
import difflib
import json
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator
from lxml import etree

from ..catalog.validation import catalog_problems
from ..engine import DefinitionProblem, ParsedProcess, ProcessDefinitionError, parse_process
from ..json_documents import load_json, schema_problems
from .sample_case import sample_case_problems

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
PROFILE_FILE, CATALOG_FILE = "profile.json", "catalog.json"
JSON_FILES = (PROFILE_FILE, CATALOG_FILE)
REQUIRED_LANES = ("handling_unit", "review_unit", "agency_head")
REQUIRED_TASK_KINDS = {"review_opinion": "法制审核", "decision": "作出决定"}
HUMAN_TASKS = ("userTask", "manualTask")
# The task kinds the service gives a meaning to; an agency may add its own (e.g. leaders_meeting), but a kind
# this close to a known one is taken for a typing mistake and reported on its task.
KNOWN_TASK_KINDS = ("acceptance", "supplement", "review_opinion", "response", "coordination", "correction",
                    "settlement", "referral", "collective_discussion", "decision", "publication", "archiving",
                    "extension_approval", "withdrawal", "generic")
# Profile settings that only work if the diagram has a task of that kind: (key, value test, kind, what it is).
PROFILE_TASK_KINDS = (
    ("collective_discussion_after_review", lambda value: value is True, "collective_discussion",
     "审核通过后的集体讨论"),
    ("escalation_target", lambda value: value in ("higher_agency", "justice_department"), "referral",
     "提请上级机关或司法行政部门后记录答复"),
)


def is_definition_file(name: str) -> bool:
    return name.endswith((".bpmn", ".dmn")) or name in JSON_FILES


_PUBLISH_CHECKS: list = []


def register_publish_check(check) -> None:
    """check(files, agency_id) -> [DefinitionProblem]: more that publishing refuses (e.g. document templates)."""
    if check not in _PUBLISH_CHECKS:
        _PUBLISH_CHECKS.append(check)


def publish_check_problems(files: dict[str, bytes], agency_id: int | None) -> list[DefinitionProblem]:
    return [problem for check in _PUBLISH_CHECKS for problem in check(files, agency_id)]


def check_definition(files: dict[str, bytes], process_id: str, forms_dir: Path,
                     more_problems: Sequence[DefinitionProblem] = ()) -> ParsedProcess:
    """The parsed process if every file is valid (and more_problems is empty); else ProcessDefinitionError
    listing every problem."""
    problems = list(more_problems) + [
        DefinitionProblem(name, None, None, "不支持的文件类型（只接受 .bpmn、.dmn、profile.json、catalog.json）")
        for name in files if not is_definition_file(name)]
    problems += [DefinitionProblem(name, None, None, "不允许 DTD 或实体声明（<!DOCTYPE / <!ENTITY）")
                 for name, data in files.items() if name.endswith((".bpmn", ".dmn")) and b"<!" in _markup(data)]
    diagrams = {name: data for name, data in files.items()
                if name.endswith((".bpmn", ".dmn")) and b"<!" not in _markup(data)}
    if not any(name.endswith(".bpmn") for name in files):
        problems.append(DefinitionProblem("", None, None, "缺少 BPMN 流程文件"))
    if PROFILE_FILE in files:
        problems += profile_problems(files[PROFILE_FILE])
    if CATALOG_FILE in files:
        problems += catalog_problems(files[CATALOG_FILE], CATALOG_FILE)
    parsed = None
    if diagrams:
        try:
            parsed = parse_process(diagrams, process_id)
        except ProcessDefinitionError as exc:
            problems += exc.problems
        problems += structure_problems(diagrams, process_id, forms_dir, _profile(files))
        problems += sample_case_problems(diagrams, _profile(files), forms_dir)
    if problems:
        raise ProcessDefinitionError(_unique(problems))
    assert parsed is not None  # no diagram is a problem (structure_problems) and raised above
    return parsed


def _markup(data: bytes) -> bytes:
    """The XML with CDATA sections and comments removed, to look for DTD declarations (XXE, entity bombs)."""
    return re.sub(rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->", b"", data, flags=re.DOTALL)


@lru_cache(maxsize=1)
def _profile_schema_text() -> str:
    return (Path(__file__).parent / "profile.schema.json").read_text(encoding="utf-8")


def profile_schema() -> dict:
    """profile.schema.json, a fresh copy each call (callers may change it)."""
    return json.loads(_profile_schema_text())


@lru_cache(maxsize=1)
def profile_validator() -> Draft202012Validator:
    return Draft202012Validator(profile_schema())


def profile_problems(payload: bytes) -> list[DefinitionProblem]:
    document, problems = load_json(payload, PROFILE_FILE)
    return problems or schema_problems(document, profile_validator(), PROFILE_FILE)


def _profile(files: dict[str, bytes]) -> dict:
    document, problems = load_json(files[PROFILE_FILE], PROFILE_FILE) if PROFILE_FILE in files else ({}, [])
    return document if not problems and isinstance(document, dict) else {}


def structure_problems(diagrams: dict[str, bytes], process_id: str, forms_dir: Path,
                       profile: dict | None = None) -> list[DefinitionProblem]:
    """The lanes and task kinds the service routes on (also those the profile needs), and every task's form."""
    problems: list[DefinitionProblem] = []
    lanes, kinds, process_file = set(), set(), None
    unknown: list = []  # (file, task) whose taskKind the service does not know
    for name, payload in sorted(diagrams.items()):
        if not name.endswith(".bpmn"):
            continue
        try:
            tree = etree.fromstring(payload)
        except etree.XMLSyntaxError:
            return problems  # reported by parse_process; the structure cannot be judged
        for process in tree.iter(f"{{{BPMN_NS}}}process"):
            if process.get("id") != process_id:
                continue
            process_file = name
            lanes |= {lane.get("id") for lane in process.iter(f"{{{BPMN_NS}}}lane")}
            for tag in HUMAN_TASKS:
                for task in process.iter(f"{{{BPMN_NS}}}{tag}"):
                    props = _properties(task)
                    kinds.add(props.get("taskKind"))
                    problems += _form_problems(name, task, props, forms_dir)
                    if props.get("taskKind") and props["taskKind"] not in KNOWN_TASK_KINDS:
                        unknown.append((name, task))
    if process_file is None:
        return [*problems, DefinitionProblem(sorted(diagrams)[0], process_id, None, f"缺少流程 {process_id}")]
    typos = _kind_typos(unknown, [kind for kind in REQUIRED_TASK_KINDS if kind not in kinds])
    problems += typos
    problems += [DefinitionProblem(process_file, lane, None, f"缺少必需的泳道 {lane}")
                 for lane in REQUIRED_LANES if lane not in lanes]
    mistyped = {problem.message.rsplit("taskKind=", 1)[-1].rstrip("？") for problem in typos}
    problems += [DefinitionProblem(process_file, process_id, None, f"缺少 taskKind={kind} 的用户任务（{title}）")
                 for kind, title in REQUIRED_TASK_KINDS.items() if kind not in kinds and kind not in mistyped]
    problems += [DefinitionProblem(PROFILE_FILE, key, None,
                                   f"该设置要求流程 {process_file} 中有 taskKind={kind} 的用户任务（{title}），但没有")
                 for key, needs, kind, title in PROFILE_TASK_KINDS
                 if needs((profile or {}).get(key)) and kind not in kinds]
    return problems


def human_task_kinds(sources: dict[str, str], process_id: str) -> set[str | None]:
    """The taskKind of every user or manual task of the process in a version's stored diagram sources."""
    kinds: set[str | None] = set()
    for name, text in sources.items():
        if not name.endswith(".bpmn"):
            continue
        for process in etree.fromstring(text.encode("utf-8")).iter(f"{{{BPMN_NS}}}process"):
            if process.get("id") == process_id:
                kinds |= {_properties(task).get("taskKind") for tag in HUMAN_TASKS
                          for task in process.iter(f"{{{BPMN_NS}}}{tag}")}
    return kinds


def _properties(task) -> dict:
    return {prop.get("name"): prop.get("value") for prop in task.iter(f"{{{SPIFF_NS}}}property")}


def _form_problems(file_name: str, task, props: dict, forms_dir: Path) -> list[DefinitionProblem]:
    form_key = props.get("formJsonSchemaFilename")
    if not form_key:
        return [DefinitionProblem(file_name, task.get("id"), task.sourceline, "用户任务缺少 formJsonSchemaFilename")]
    path = (forms_dir / form_key).resolve()
    if path.parent != forms_dir.resolve() or not path.is_file():
        return [DefinitionProblem(file_name, task.get("id"), task.sourceline, f"表单 {form_key} 在 forms/ 中不存在")]
    return []


def _kind_typos(unknown: list, missing: list[str]) -> list[DefinitionProblem]:
    """Tasks whose taskKind is no known kind but close to one (closer still, or near a required kind the
    diagram lacks): a typing mistake, reported on the task; other unknown kinds are an agency's own steps."""
    problems = []
    for file_name, task in unknown:
        kind = _properties(task)["taskKind"]
        close = difflib.get_close_matches(kind, missing, n=1, cutoff=0.5) or \
            difflib.get_close_matches(kind, KNOWN_TASK_KINDS, n=1, cutoff=0.8)
        if close:
            title = f"「{task.get('name')}」" if task.get("name") else task.get("id")
            message = f"{title}的 taskKind={kind} 不是已知的步骤类型，是否应为 taskKind={close[0]}？"
            problems.append(DefinitionProblem(file_name, task.get("id"), task.sourceline, message))
    return problems


def _unique(problems: list[DefinitionProblem]) -> list[DefinitionProblem]:
    return list(dict.fromkeys(problems))


def describe(problem: DefinitionProblem) -> str:
    """"file:element:line: message", the form the API and the CLI report problems in."""
    return f"{problem.file or '-'}:{problem.element_id or '-'}:{problem.line or '-'}: {problem.message}"
