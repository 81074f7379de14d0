"""Bounds on what one script or expression evaluation may cost, whatever it does.

Two mechanisms, because each alone is not enough:

- An **instruction budget and a wall-clock deadline** (`evaluation_budget`): a tracer counts the bytecode
  instructions of the designer's own frames (opcode events; helper functions are not counted) and
  checks the clock every 1,000 of them, so endless or merely long loops, comprehensions and recursion
  (also capped at MAX_CALL_DEPTH frames) stop within about a second. An instruction budget rather than
  only a timer: it is deterministic (the same script stops at the same place on every node and under a
  frozen clock); the timer catches what many cheap instructions cannot (a slow helper).
- **Size guards** on every operation that can build a huge value in a *single* instruction, which no
  tracer can interrupt: `+ * ** << %` (the restricted compiler turns them into `_binop_` calls),
  f-strings and format specs, `range`, `pow`, `sum`, slicing, and every call (`_call_`): a builtin's or
  a str/list/dict method's result is counted, and the amplifiers (`join`, `format`, `replace`,
  `ljust`/`rjust`/`center`/`zfill`, `expandtabs`, `extend`) are checked before they run. One value may
  hold MAX_ITEMS characters/elements; all values made by one evaluation MAX_ALLOCATED; an int
  MAX_INT_BITS bits. With the instruction budget this keeps an evaluation under roughly 100 MB.

Exceeding any bound raises ScriptLimitExceeded (a BaseException, and `try` is refused by the compiler,
so a script cannot catch it and carry on untraced).
"""
import re
import string
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import BuiltinFunctionType, BuiltinMethodType, FrameType, FunctionType, MethodDescriptorType
from typing import Any, SupportsIndex

from RestrictedPython.Eval import default_guarded_getitem
from RestrictedPython.Guards import safer_getattr

SCRIPT_FILENAME = "<bpmn-script>"  # the compiled snippets' frames, the only ones the tracer counts
MAX_INSTRUCTIONS = 1_000_000
MAX_SECONDS = 2.0
MAX_CALL_DEPTH = 50
MAX_ITEMS = 1_000_000
MAX_ALLOCATED = 10_000_000
MAX_INT_BITS = 4096
MAX_FORMAT_WIDTH = 1000
SIZED = (str, bytes, list, tuple, dict, set, frozenset)
SEQUENCES = (str, bytes, list, tuple)

# What sys.settrace calls per frame event; it returns the tracer for that frame, or None for none.
_Tracer = Callable[[FrameType, str, Any], "_Tracer | None"]


class ScriptLimitExceeded(BaseException):
    """An evaluation went past one of the bounds above; the message names it."""


@dataclass
class _Budget:
    instructions: int = MAX_INSTRUCTIONS
    allocated: int = 0
    depth: int = 0
    deadline: float = 0.0


_budget: ContextVar[_Budget | None] = ContextVar("script_budget", default=None)


def _charge(items: int) -> None:
    if items > MAX_ITEMS:
        raise ScriptLimitExceeded(f"a value of {items} items exceeds the limit of {MAX_ITEMS}")
    budget = _budget.get()
    if budget is not None:
        budget.allocated += items
        if budget.allocated > MAX_ALLOCATED:
            raise ScriptLimitExceeded(f"the evaluation built more than {MAX_ALLOCATED} items in all")


def _charge_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise ScriptLimitExceeded(f"an integer of {bits} bits exceeds the limit of {MAX_INT_BITS}")
    _charge(bits // 64)


@contextmanager
def evaluation_budget() -> Iterator[None]:
    """Run one evaluation under the bounds; restores the previous tracer and budget afterwards."""
    budget = _Budget(deadline=time.monotonic() + MAX_SECONDS)
    token = _budget.set(budget)

    def local(frame: FrameType, event: str, arg: Any) -> _Tracer:
        if event == "opcode":
            budget.instructions -= 1
            if budget.instructions < 0:
                raise ScriptLimitExceeded(f"the evaluation exceeded {MAX_INSTRUCTIONS} instructions")
            if budget.instructions % 1000 == 0 and time.monotonic() > budget.deadline:
                raise ScriptLimitExceeded(f"the evaluation ran longer than {MAX_SECONDS} seconds")
        elif event == "return":
            budget.depth -= 1
        return local

    def on_call(frame: FrameType, event: str, arg: Any) -> _Tracer | None:
        if frame.f_code.co_filename != SCRIPT_FILENAME:
            return None
        budget.depth += 1
        if budget.depth > MAX_CALL_DEPTH:
            raise ScriptLimitExceeded(f"calls nested deeper than {MAX_CALL_DEPTH}")
        frame.f_trace_opcodes, frame.f_trace_lines = True, False
        return local

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        yield
    finally:
        sys.settrace(previous)
        _budget.reset(token)


def _binop(op: str, a: Any, b: Any) -> Any:
    """`a <op> b` for + * ** << % with the size of the result checked before it is built."""
    if op == "+":
        if isinstance(a, SEQUENCES) and isinstance(b, SEQUENCES):
            _charge(len(a) + len(b))
        return a + b
    if op == "*":
        return _multiply(a, b)
    if op == "**":
        return guarded_pow(a, b)
    if op == "<<":
        if isinstance(a, int) and isinstance(b, int) and b > 0:
            _charge_bits(abs(a).bit_length() + b)
        return a << b
    if op == "%":
        return _percent_format(a, b) if isinstance(a, str) else a % b
    raise ScriptLimitExceeded(f"operator {op} is not guarded")  # pragma: no cover (the compiler sends only these)


def _multiply(a: Any, b: Any) -> Any:
    if isinstance(a, SEQUENCES) and isinstance(b, int):
        _charge(len(a) * max(b, 0))
    elif isinstance(b, SEQUENCES) and isinstance(a, int):
        _charge(len(b) * max(a, 0))
    elif isinstance(a, int) and isinstance(b, int):
        _charge_bits(abs(a).bit_length() + abs(b).bit_length())
    return a * b


def guarded_pow(a: Any, b: Any, modulo: Any = None) -> Any:
    if modulo is None and isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
        _charge_bits(abs(a).bit_length() * b)
    return pow(a, b) if modulo is None else pow(a, b, modulo)


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_width(*numbers: str) -> None:
    for number in numbers:
        if number == "*" or (number and int(number) > MAX_FORMAT_WIDTH):
            raise ScriptLimitExceeded(f"format widths above {MAX_FORMAT_WIDTH} (or '*') are not allowed")


def _percent_format(template: str, values: Any) -> str:
    for width, precision in _PERCENT_SPEC.findall(template):
        _check_width(width, precision)
    result: str = template % values  # typeshed's str.__mod__ may answer Any
    _charge(len(result))
    return result


def check_format_spec(spec: str) -> None:
    _check_width(*re.findall(r"\d+", spec))


def guarded_format(value: Any, spec: str = "", conversion: int = -1) -> str:
    """An f-string field `{value!conversion:spec}` with its width and precision bounded."""
    if conversion != -1:
        converters: dict[int, Callable[[object], str]] = {ord("s"): str, ord("r"): repr, ord("a"): ascii}
        value = converters[conversion](value)
    check_format_spec(spec)
    result = format(value, spec)
    _charge(len(result))
    return result


def checked_string(value: str) -> str:
    """An f-string's result, counted."""
    _charge(len(value))
    return value


class _SafeFormatter(string.Formatter):
    """str.format for scripts: no '_' attributes in fields ('{0.__class__}'), widths bounded."""

    def get_field(self, field_name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        first, rest = string._string.formatter_field_name_split(field_name)  # type: ignore[attr-defined]
        value = self.get_value(first, args, kwargs)
        for is_attribute, key in rest:
            # RestrictedPython leaves safer_getattr unannotated
            value = safer_getattr(value, key) if is_attribute else value[key]  # type: ignore[no-untyped-call]
        return value, first

    def format_field(self, value: Any, format_spec: str) -> str:
        check_format_spec(format_spec)
        return format(value, format_spec)


_FORMATTER = _SafeFormatter()


def _amplifier_checks(owner: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Before a str/bytes/list method that can return far more than it was given runs."""
    if name in ("ljust", "rjust", "center", "zfill") and args and isinstance(args[0], int):
        _charge(max(args[0], len(owner)))
    elif name == "expandtabs":
        tab = args[0] if args else kwargs.get("tabsize", 8)
        _charge(len(owner) + owner.count("\t" if isinstance(owner, str) else b"\t") * max(int(tab), 0))
    elif name == "replace" and len(args) >= 2:
        old, new = args[0], args[1]
        hits = owner.count(old) if old else len(owner) + 1
        _charge(len(owner) + hits * max(len(new) - len(old), 0))
    elif name == "extend" and args and hasattr(args[0], "__len__"):
        _charge(len(owner) + len(args[0]))


def _join(separator: str | bytes, parts: Iterable[Any]) -> str | bytes:
    items = list(parts)
    _charge(len(items))
    total = sum(len(part) for part in items if isinstance(part, SEQUENCES)) + len(separator) * max(len(items) - 1, 0)
    _charge(total)
    return separator.join(items)


def guarded_call(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Every call a snippet makes: amplifiers checked first, the result of anything not the script's own counted."""
    if isinstance(function, FunctionType) and function.__code__.co_filename == SCRIPT_FILENAME:
        return function(*args, **kwargs)
    if isinstance(function, MethodDescriptorType) and args and isinstance(args[0], function.__objclass__):
        function, args = getattr(args[0], function.__name__), args[1:]  # str.ljust(s, n) as s.ljust(n)
    owner = getattr(function, "__self__", None)
    if isinstance(function, (BuiltinMethodType, BuiltinFunctionType)) and isinstance(owner, SIZED):
        name = function.__name__
        if isinstance(owner, (str, bytes)) and name == "join":
            return _join(owner, *args)
        if isinstance(owner, str) and name in ("format", "format_map"):
            result = _FORMATTER.vformat(owner, args, kwargs) if name == "format" else \
                _FORMATTER.vformat(owner, (), args[0])
            _charge(len(result))
            return result
        _amplifier_checks(owner, name, args, kwargs)
    result = function(*args, **kwargs)
    if isinstance(result, SIZED):
        _charge(len(result))
    return result


def guarded_getitem(container: Any, key: Any) -> Any:
    value = default_guarded_getitem(container, key)
    if isinstance(key, slice) and isinstance(value, SIZED):
        _charge(len(value))
    return value


def guarded_range(*args: SupportsIndex) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_ITEMS:
        raise ScriptLimitExceeded(f"range of {len(numbers)} numbers exceeds the limit of {MAX_ITEMS}")
    return numbers


def guarded_sum(values: Iterable[Any], start: Any = 0) -> Any:
    if not isinstance(start, (int, float, complex)) and type(start).__name__ != "Decimal":
        raise ScriptLimitExceeded("sum() adds numbers only; join strings with str.join")
    return sum(values, start)


GUARDS: dict[str, Callable[..., Any]] = {
    "_binop_": _binop, "_call_": guarded_call, "_format_": guarded_format, "_fstring_": checked_string,
    "_getitem_": guarded_getitem, "_getattr_": safer_getattr}
GUARDED_BUILTINS: dict[str, Callable[..., Any]] = {"range": guarded_range, "pow": guarded_pow, "sum": guarded_sum}
