"""Publishing check of every script and expression in the files, connected to the flow or not.

Read from the XML, not from the parsed spec (which holds only what the start event reaches): script
tasks, pre/post scripts, sequence-flow conditions, timer expressions, the expression-valued task
properties, and DMN input expressions and output entries. Each is compiled under the restricted
policy and refused if it names a Python builtin scripts do not have (open, getattr, eval, globals, ...).
A script task the flow never reaches is an error: nothing would ever check it ran.
"""
from collections.abc import Iterator
from typing import Any

from .scripting import ScriptRejected, compile_expression, compile_script, unavailable_names

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
DMN_TAGS = ("inputExpression", "outputEntry")

# lxml elements, untyped here: lxml-stubs make text/get/getparent Optional and sourceline possibly Ellipsis,
# where the checks below (a non-empty text, a parent of a child) already decide what is present.
_Element = Any

# User-task properties whose values are expressions the service evaluates (deadlines).
EXPRESSION_PROPERTIES = ("deadlineWorkingDays", "deadlineCalendarDays", "deadlineStart", "deadlineCap",
                         "deadlineCapFrom", "deadlineCapCalendarDays",
                         "extensionWorkingDays", "supplementMode", "reminderWorkingDays")


def _owner(element: _Element) -> _Element:
    """The nearest ancestor with an id (the BPMN element a snippet belongs to)."""
    while element is not None and not element.get("id"):
        element = element.getparent()
    return element


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def snippets_of(tree: _Element) -> Iterator[tuple[_Element, str, str, bool]]:
    """(owning element, what, source, is_expression) for every snippet in one BPMN or DMN document."""
    for element in tree.iter():
        tag, text = _local(element.tag), (element.text or "").strip()
        if tag == "script" and element.getparent() is not None and _local(element.getparent().tag) == "scriptTask":
            yield element.getparent(), "script", element.text or "", False
        elif tag in ("preScript", "postScript") and text:
            yield _owner(element), tag, element.text, False
        elif tag == "conditionExpression" and text:
            yield _owner(element), "condition", text, True
        elif tag in ("timeDuration", "timeDate", "timeCycle") and text:
            yield _owner(element), "timer", text, True
        elif tag == "property" and element.get("name") in EXPRESSION_PROPERTIES and element.get("value"):
            yield _owner(element), f"property {element.get('name')}", element.get("value"), True
        elif tag == "text" and _local(element.getparent().tag) in DMN_TAGS and text and text != "-":
            yield _owner(element), _local(element.getparent().tag), text, True


def snippet_problem(source: str, expression: bool) -> str | None:
    """Why the snippet may not be published, or None."""
    try:
        (compile_expression if expression else compile_script)(source)
        names = unavailable_names(source, expression=expression)
    except (ScriptRejected, SyntaxError) as exc:
        return str(exc)
    if names:
        return f"使用了脚本中不可用的名称: {', '.join(names)}"
    return None


def unreached_script_tasks(tree: _Element, reached: set[str]) -> Iterator[_Element]:
    """Script tasks of the document that the parsed process (and its subprocesses) never reaches."""
    for task in tree.iter(f"{BPMN}scriptTask"):
        if task.get("id") not in reached:
            yield task
