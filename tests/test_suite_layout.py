"""The suite's own rules: shared helpers live in tests/factories/ (or a helper module), so no module of
the suite imports a test module or a conftest (pytest loads those itself; importing them runs them twice)."""
import ast
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .factories import TEST_NOW

TESTS = Path(__file__).resolve().parent


def _module_name(path: Path, root: Path) -> str:
    return ".".join(("tests", *path.relative_to(root).with_suffix("").parts))


def _imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, relative ones resolved."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]  # from . import test_x
    return found


def _is_forbidden(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return module.startswith("tests.") and (last.startswith("test_") or last == "conftest")


def forbidden_imports(root: Path = TESTS) -> list[str]:
    return [f"{path.relative_to(root.parent)}:{line} imports {module}"
            for path in sorted(root.rglob("*.py")) for line, module in _imported_modules(path, root)
            if _is_forbidden(module)]


def test_no_module_of_the_suite_imports_a_test_module_or_a_conftest():
    assert forbidden_imports() == []


def test_the_check_finds_such_an_import(tmp_path):
    (tmp_path / "tests" / "cases").mkdir(parents=True)
    (tmp_path / "tests" / "cases" / "test_a.py").write_text(
        "from ..api.test_review_paths import in_coordination\nfrom .. import conftest\nfrom ..factories import review\n"
        "from . import test_b\nimport tests.deadlines.test_review_deadline\n", encoding="utf-8")
    assert forbidden_imports(tmp_path / "tests") == [
        "tests/cases/test_a.py:1 imports tests.api.test_review_paths",
        "tests/cases/test_a.py:2 imports tests.conftest",
        "tests/cases/test_a.py:4 imports tests.cases.test_b",
        "tests/cases/test_a.py:5 imports tests.deadlines.test_review_deadline",
    ]


def test_pytest_times_the_tests_on_the_real_clock_while_the_tests_see_the_frozen_one():
    """--durations reports real seconds (not the 1.8e9 s a frozen perf_counter gave), the test code still
    runs at TEST_NOW."""
    from _pytest import timing
    from freezegun.api import real_perf_counter, real_time

    assert abs(timing.time() - real_time()) < 60
    before, real_before = timing.perf_counter(), real_perf_counter()
    assert abs(before - real_before) < 1
    assert datetime.now(UTC) - datetime.fromisoformat(TEST_NOW).replace(tzinfo=UTC) < timedelta(
        minutes=1)
    assert abs(time.time() - real_time()) > 3600  # the test's own clock is the frozen one
