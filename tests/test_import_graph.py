"""The import graph of review_service, read from the source with ast (nothing is imported): top-level and
function-level imports count alike.

- No module imports itself back through others (no cycle between modules).
- Between packages (cases/, tasks/, ...; a top-level module is a node of its own) there is no cycle at all:
  no back edge is tolerated.
- The domain packages are layered catalog < processes < cases < jobs < tasks < staffing < deadlines
  < case_migration < casework, and a package imports only packages left of it:
  catalog's rules are pure; processes publishes versions carrying a catalog; a case runs one version, and
  its rows include the record of its human steps (cases.models.Task) and their forms, which cases reads
  (history, rounds, guards); jobs run for cases; tasks mirror the run and work its steps; staffing reads the
  task rows (four-eyes, load) to give review tasks their reviewer; deadlines time the tasks (staffing and
  deadlines import neither the other: their order is a convention); migration
  moves running cases across versions; casework serves what combines them (the case with its tasks and
  deadlines, the inbox with due dates). Where a lower package needs a higher one's rule (the mirror needs
  a reviewer and a deadline clock; submitting a case mirrors its first tasks), the higher package hands
  its function down from its init_app (tasks.hooks, cases.workflow.register_task_mirror).
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "review_service"
SKIPPED = {"migrations"}  # Alembic revisions import nothing of the package's domain

# The domain packages, lowest first: each imports only packages before it in this list.
LAYERS = ("catalog", "processes", "cases", "jobs", "tasks", "staffing", "deadlines", "case_migration", "casework")


def module_name(path: Path) -> str:
    parts = ("review_service", *path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, modules: set[str]) -> set[str]:
    """The review_service modules (or packages) the file imports, anywhere in it."""
    name = module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            target = ".".join(base + (node.module.split(".") if node.module else []))
            found |= {f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target
                      for alias in node.names}
    return {module for module in found if module in modules and module != name}


def module_graph() -> dict[str, set[str]]:
    files = [path for path in ROOT.rglob("*.py") if not SKIPPED & set(path.relative_to(ROOT).parts)]
    modules = {module_name(path) for path in files}
    return {module_name(path): imported_modules(path, modules) for path in files}


def node_of(module: str) -> str:
    """The package a module belongs to (review_service.cases.service -> cases); a top-level module is its own."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, imports in module_graph().items():
        graph.setdefault(node_of(module), set()).update(node_of(other) for other in imports)
    return {node: targets - {node} for node, targets in graph.items()}


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:  # noqa: C901  (Tarjan, iterative: one loop)
    """The strongly connected components with more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(component)
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_the_cycle_finder_finds_a_cycle_and_only_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_graph_sees_top_level_and_function_level_imports():
    graph = module_graph()
    assert "review_service.cases.models" in graph["review_service.tasks.mirror"]  # top level
    assert "review_service.cases.models" in graph["review_service.jobs.service"]  # inside a function
    assert "review_service.deadlines.withdrawals" in graph["review_service.deadlines.api"]  # from . import withdrawals


def test_no_module_imports_itself_back():
    assert cycles(module_graph()) == []


def test_no_cycle_between_packages():
    assert cycles(package_graph()) == []


def test_each_domain_package_imports_only_the_layers_below_it():
    graph = package_graph()
    upward = sorted((importer, imported) for importer in LAYERS for imported in graph.get(importer, set())
                    if imported in LAYERS and LAYERS.index(imported) > LAYERS.index(importer))
    assert upward == [], "back edges against the layering " + " < ".join(LAYERS)


def test_every_layer_is_a_package():
    assert set(LAYERS) <= set(package_graph())
