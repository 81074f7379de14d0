"""The restricted script engine: BPMN scripts and expressions are untrusted designer input.

Every snippet is compiled with RestrictedPython (no imports, no try, no dunder access, no open/eval),
runs with a whitelist of builtins and pure helpers under the bounds of limits.py (instructions, time,
call depth, sizes of the values it builds), and compiled code is cached per source text.
"""
import ast
import builtins
import math
from functools import lru_cache
from types import CodeType, SimpleNamespace
from typing import Any, cast

from RestrictedPython import (
    RestrictingNodeTransformer,
    compile_restricted_eval,
    compile_restricted_exec,
    limited_builtins,
    safe_builtins,
    utility_builtins,
)
from RestrictedPython.Eval import default_guarded_getiter
from RestrictedPython.Guards import full_write_guard, guarded_iter_unpack_sequence, guarded_unpack_sequence
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from .limits import GUARDED_BUILTINS, SCRIPT_FILENAME, ScriptLimitExceeded, evaluation_budget
from .limits import GUARDS as LIMIT_GUARDS


class ScriptRejected(Exception):
    """A snippet that the restricted compiler refuses (e.g. an import or a dunder attribute)."""


ScriptTooLong = ScriptLimitExceeded  # the name the runner catches: any per-evaluation bound (limits.py)

_INPLACE_OPERATORS = {"+=": "+", "*=": "*", "%=": "%", "**=": "**", "<<=": "<<"}
_PLAIN_INPLACE = {"-=": lambda x, y: x - y, "/=": lambda x, y: x / y, "//=": lambda x, y: x // y}


def _inplace(op: str, x: Any, y: Any) -> Any:
    if op in _INPLACE_OPERATORS:
        return LIMIT_GUARDS["_binop_"](_INPLACE_OPERATORS[op], x, y)
    if op not in _PLAIN_INPLACE:
        raise ScriptRejected(f"operator {op} is not allowed in BPMN scripts")
    return _PLAIN_INPLACE[op](x, y)


_MATH_FUNCTIONS = ("ceil", "floor", "trunc", "fabs", "sqrt", "isclose", "isfinite", "isnan", "log", "log10",
                   "exp", "fsum", "copysign")


def _builtins() -> dict[str, Any]:
    allowed = {**safe_builtins, **limited_builtins, **utility_builtins}
    # modules, class definitions and attribute writers are not for designer scripts
    for name in ("random", "whrandom", "string", "math", "__build_class__", "setattr", "delattr"):
        allowed.pop(name, None)
    allowed.update({"dict": dict, "list": list, "set": set, "min": min, "max": max,
                    "any": any, "all": all, "enumerate": enumerate, "sorted": sorted, "zip": zip,
                    "reversed": reversed, "map": map, "filter": filter,
                    "math": SimpleNamespace(pi=math.pi, e=math.e, **{n: getattr(math, n) for n in _MATH_FUNCTIONS})})
    allowed.update(GUARDED_BUILTINS)
    return allowed


RESTRICTED_GLOBALS = {
    "__builtins__": _builtins(),
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplace,
    **LIMIT_GUARDS,
}
# Python builtins a snippet may not use: naming one is refused when a diagram is published.
UNAVAILABLE_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_")) \
    - set(RESTRICTED_GLOBALS["__builtins__"])

_GUARDED_OPERATORS = {ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%"}


def _call(name: str, args: list[ast.expr], node: ast.AST) -> ast.Call:
    """`name(*args)` at node's place in the source (every new node needs a location to compile)."""
    call = ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=[])
    for new in (call, call.func, *args):
        if not hasattr(new, "lineno"):
            ast.copy_location(new, node)
    return call


class SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus: no imports, no try (a script may not catch its own limit), and
    the operations that can build huge values in one step routed through limits.py's guards."""

    def visit_Import(self, node: ast.AST) -> ast.AST:
        self.error(node, "import statements are not allowed in BPMN scripts")
        return node

    visit_ImportFrom = visit_Import

    def visit_Try(self, node: ast.Try) -> ast.AST:
        self.error(node, "try statements are not allowed in BPMN scripts")
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.error(node, "class definitions are not allowed in BPMN scripts")
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        op = _GUARDED_OPERATORS.get(type(node.op))
        return node if op is None else _call("_binop_", [ast.Constant(op), node.left, node.right], node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node = cast(ast.Call, super().visit_Call(node))  # RestrictedPython's visit_Call returns the call node
        if isinstance(node.func, ast.Name) and node.func.id == "_apply_":  # f(*args): func is args[0] already
            node.func.id = "_call_"
        else:
            node.args.insert(0, node.func)
            node.func = ast.copy_location(ast.Name("_call_", ast.Load()), node)
        return node

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        spec, node.format_spec = node.format_spec, None
        node = self.node_contents_visit(node)
        args = [node.value, self.visit(spec) if spec is not None else ast.Constant(""), ast.Constant(node.conversion)]
        node.value, node.conversion = _call("_format_", args, node), -1
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        return _call("_fstring_", [self.node_contents_visit(node)], node)


@lru_cache(maxsize=2048)
def compile_expression(source: str) -> CodeType:
    """Compile one expression (condition, timer, DMN cell); raise ScriptRejected if refused."""
    result = compile_restricted_eval(source, filename=SCRIPT_FILENAME, policy=SandboxPolicy)
    if result.errors:
        raise ScriptRejected("; ".join(result.errors))
    return cast(CodeType, result.code)  # set whenever errors is empty


@lru_cache(maxsize=512)
def compile_script(source: str) -> CodeType:
    """Compile one script task body; raise ScriptRejected if refused."""
    result = compile_restricted_exec(source, filename=SCRIPT_FILENAME, policy=SandboxPolicy)
    if result.errors:
        raise ScriptRejected("; ".join(result.errors))
    return cast(CodeType, result.code)  # set whenever errors is empty


def unavailable_names(source: str, *, expression: bool) -> list[str]:
    """Python builtins the snippet names that scripts do not have (open, getattr, globals, ...), sorted."""
    tree = ast.parse(source, mode="eval" if expression else "exec")
    assigned = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)}
    assigned |= {arg.arg for node in ast.walk(tree) if isinstance(node, ast.arguments)
                 for arg in node.args + node.kwonlyargs + node.posonlyargs}
    assigned |= {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    return sorted((used - assigned) & UNAVAILABLE_BUILTINS)


def assigned_names(source: str) -> set[str]:
    """The variables a script assigns at any depth (empty when it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}


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


class RestrictedEnvironment(TaskDataEnvironment):  # type: ignore[misc]  # SpiffWorkflow ships no types
    """A TaskDataEnvironment whose eval/exec run RestrictedPython bytecode only."""

    def __init__(self, helpers: dict[str, Any] | None = None) -> None:
        super().__init__({**RESTRICTED_GLOBALS, **(helpers or {})})

    def evaluate(self, expression: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> Any:
        code = compile_expression(expression)
        with evaluation_budget():
            return eval(code, {**self.globals, **(external_context or {}), **context})

    def execute(self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> bool:
        code = compile_script(script)
        self.check_for_overwrite(context, external_context or {})
        context.update(self.globals)
        context.update(external_context or {})
        try:
            with evaluation_budget():
                exec(code, context)
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True


def make_script_engine(helpers: dict[str, Any] | None = None) -> Any:
    """The only script engine a workflow may run with; set again after every load."""
    return PythonScriptEngine(environment=RestrictedEnvironment(helpers))
