"""The restricted script engine: BPMN scripts and expressions are untrusted designer input.

Every snippet is compiled with RestrictedPython (no imports, no dunder access, no open/eval),
runs with a whitelist of builtins and pure helpers, and compiled code is cached per source text.
"""
import ast
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from types import CodeType, FrameType
from typing import Any, cast

from RestrictedPython import (
    RestrictingNodeTransformer,
    compile_restricted_eval,
    compile_restricted_exec,
    limited_builtins,
    safe_builtins,
    utility_builtins,
)
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment


class ScriptRejected(Exception):
    """A snippet that the restricted compiler refuses (e.g. an import or a dunder attribute)."""


_INPLACE_OPERATORS = {
    "+=": lambda x, y: x + y, "-=": lambda x, y: x - y, "*=": lambda x, y: x * y,
    "/=": lambda x, y: x / y, "//=": lambda x, y: x // y, "%=": lambda x, y: x % y,
}


def _inplace(op: str, x: Any, y: Any) -> Any:
    if op not in _INPLACE_OPERATORS:
        raise ScriptRejected(f"operator {op} is not allowed in BPMN scripts")
    return _INPLACE_OPERATORS[op](x, y)


def _builtins() -> dict[str, Any]:
    allowed = {**safe_builtins, **limited_builtins, **utility_builtins}
    for name in ("random", "whrandom", "string"):  # keep scripts deterministic and module-free
        allowed.pop(name, None)
    allowed.update({"dict": dict, "list": list, "set": set, "sum": sum, "min": min, "max": max,
                    "any": any, "all": all, "enumerate": enumerate, "sorted": sorted})
    return allowed


RESTRICTED_GLOBALS = {
    "__builtins__": _builtins(),
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplace,
}


class NoImportsPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus: no import statements at all (refused when a diagram is published)."""

    def visit_Import(self, node: ast.AST) -> ast.AST:
        self.error(node, "import statements are not allowed in BPMN scripts")
        return node

    visit_ImportFrom = visit_Import


@lru_cache(maxsize=2048)
def compile_expression(source: str) -> CodeType:
    """Compile one expression (condition, timer, DMN cell); raise ScriptRejected if refused."""
    result = compile_restricted_eval(source, policy=NoImportsPolicy)
    if result.errors:
        raise ScriptRejected("; ".join(result.errors))
    return cast(CodeType, result.code)  # set whenever errors is empty


@lru_cache(maxsize=512)
def compile_script(source: str) -> CodeType:
    """Compile one script task body; raise ScriptRejected if refused."""
    result = compile_restricted_exec(source, policy=NoImportsPolicy)
    if result.errors:
        raise ScriptRejected("; ".join(result.errors))
    return cast(CodeType, result.code)  # set whenever errors is empty


def literal_assigned(source: str, name: str) -> Any:
    """The literal a script assigns to `name` first (in source order), read without running the script.

    None when the script does not parse, assigns nothing to the name, or assigns something not a literal.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    assignments = sorted((node for node in ast.walk(tree) if isinstance(node, ast.Assign)
                          and any(isinstance(target, ast.Name) and target.id == name for target in node.targets)),
                         key=lambda node: (node.lineno, node.col_offset))
    if not assignments:
        return None
    try:
        return ast.literal_eval(assignments[0].value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


# Python lines one script or expression may execute before it is stopped (stops `while True`).
MAX_SCRIPT_STEPS = 200_000


class ScriptTooLong(Exception):
    """A snippet ran past MAX_SCRIPT_STEPS lines."""


@contextmanager
def step_budget(limit: int = MAX_SCRIPT_STEPS) -> Iterator[None]:
    """Trace the snippet's frames and abort it after `limit` line events; restore any previous tracer."""
    remaining = [limit]

    def count_lines(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            remaining[0] -= 1
            if remaining[0] < 0:
                raise ScriptTooLong(f"script exceeded {limit} steps")
        return count_lines

    previous = sys.gettrace()
    sys.settrace(lambda frame, event, arg: count_lines if event == "call" else None)
    try:
        yield
    finally:
        sys.settrace(previous)


class RestrictedEnvironment(TaskDataEnvironment):  # type: ignore[misc]  # SpiffWorkflow is untyped
    """A TaskDataEnvironment whose eval/exec run RestrictedPython bytecode only."""

    def __init__(self, helpers: dict[str, Any] | None = None) -> None:
        super().__init__({**RESTRICTED_GLOBALS, **(helpers or {})})

    def evaluate(self, expression: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> Any:
        code = compile_expression(expression)
        with step_budget():
            return eval(code, {**self.globals, **(external_context or {}), **context})

    def execute(self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> bool:
        code = compile_script(script)
        self.check_for_overwrite(context, external_context or {})
        context.update(self.globals)
        context.update(external_context or {})
        try:
            with step_budget():
                exec(code, context)
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True


def make_script_engine(helpers: dict[str, Any] | None = None) -> Any:
    """The only script engine a workflow may run with; set again after every load."""
    return PythonScriptEngine(environment=RestrictedEnvironment(helpers))
