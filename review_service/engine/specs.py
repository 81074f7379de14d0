"""Parse and check a process definition (BPMN + DMN files) once per version."""
import hashlib
from dataclasses import dataclass, field
from typing import Any, cast

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser

from .snippets import snippet_problem, snippets_of, unreached_script_tasks

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass(frozen=True)
class DefinitionProblem:
    """One reason a process definition is refused: file, element id, line and message."""

    file: str
    element_id: str | None
    line: int | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "element_id": self.element_id, "line": self.line, "message": self.message}


class ProcessDefinitionError(Exception):
    def __init__(self, problems: list[DefinitionProblem]):
        super().__init__("; ".join(f"{p.file}:{p.element_id or '-'}: {p.message}" for p in problems))
        self.problems = problems


@dataclass
class ParsedProcess:
    """A parsed, linted process: the spec objects plus what the service needs to know about them."""

    process_id: str
    spec: object
    subprocess_specs: dict[str, Any]
    content_hash: str
    lanes_by_name: dict[str, str] = field(default_factory=dict)  # lane label -> lane id


def content_hash(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()


def parse_process(files: dict[str, bytes], process_id: str) -> ParsedProcess:
    """Parse BPMN/DMN files with XSD validation, then compile every snippet under the restricted engine.

    Raises ProcessDefinitionError naming the file, element and (where known) line of each problem.
    """
    parser = SpiffBpmnParser(validator=VALIDATOR)
    lines: dict[str, tuple[str, int]] = {}
    lanes: dict[str, str] = {}
    trees = {}
    for name, payload in sorted(files.items()):
        try:
            tree = trees[name] = etree.fromstring(payload)
        except etree.XMLSyntaxError as exc:
            problem = DefinitionProblem(name, None, exc.lineno, f"XML 格式错误: {exc.msg}")
            raise ProcessDefinitionError([problem]) from exc
        for element in tree.iter():
            if isinstance(element.tag, str) and element.get("id"):
                lines.setdefault(element.get("id") or "", (name, cast(int, element.sourceline)))
        for lane in tree.iter(f"{{{BPMN_NS}}}lane"):
            lanes[lane.get("name") or lane.get("id") or ""] = lane.get("id") or ""
        try:
            if name.endswith(".dmn"):
                parser.add_dmn_str(payload, filename=name)
            else:
                parser.add_bpmn_str(payload, filename=name)
        except ValidationException as exc:
            raise ProcessDefinitionError([_problem(exc, name, lines)]) from exc
    try:
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        raise ProcessDefinitionError([_problem(exc, exc.file_name or "", lines)]) from exc
    reached = set(spec.task_specs) | {name for sub in subprocess_specs.values() for name in sub.task_specs}
    problems = lint_snippets(trees, reached)
    if problems:
        raise ProcessDefinitionError(problems)
    return ParsedProcess(process_id, spec, subprocess_specs, content_hash(files), lanes)


def _problem(exc: ValidationException, file_name: str, lines: dict[str, Any]) -> DefinitionProblem:
    element_id = getattr(exc, "id", None) or None
    located = lines.get(element_id) if element_id else None
    line = exc.line_number or (located[1] if located else None)
    if element_id is None and line:  # XSD errors carry a line only: name the element starting there
        element_id = next((key for key, (file, at) in lines.items() if file == file_name and at == int(line)), None)
    return DefinitionProblem(located[0] if located else file_name, element_id, int(line) if line else None,
                             str(exc).split("\n")[0])


def lint_snippets(trees: dict[str, etree._Element], reached: set[str]) -> list[DefinitionProblem]:
    """Every script and expression of every file (snippets.py), and every script task the flow never reaches."""
    problems = []
    for name, tree in trees.items():
        for element, what, source, expression in snippets_of(tree):
            message = snippet_problem(source, expression)
            if message:
                problems.append(DefinitionProblem(name, element.get("id"), element.sourceline, f"{what}: {message}"))
        problems += [DefinitionProblem(name, task.get("id"), task.sourceline,
                                       "脚本任务未连接到流程（从开始事件无法到达）")
                     for task in unreached_script_tasks(tree, reached)]
    return problems
