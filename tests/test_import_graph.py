"""The import graph of review_service, read from the source with ast (nothing is imported): top-level and
function-level imports count alike.

- No module imports itself back through others (no cycle between modules).
- Between packages (cases/, tasks/, ...; a top-level module is a node of its own) there is no cycle either,
  apart from the back edges listed in KNOWN_BACK_EDGES, each with the reason it is still there. A new
  cycle fails; so does a listed edge that is gone (strike it from the list: the list only shrinks).
- The domain packages are layered catalog < processes < cases < jobs < tasks < staffing < deadlines
  < case_migration: catalog's rules are pure; processes publishes versions carrying a catalog; a case runs
  one version; tasks mirror its run; staffing assigns them; deadlines time them; migration moves running
  cases across versions. A package imports only packages left of it (the known back edges excepted).
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "review_service"
SKIPPED = {"migrations"}  # Alembic revisions import nothing of the package's domain

# (importing package, imported package): why this edge, against the layering
# catalog < processes < cases < jobs < tasks < staffing < deadlines < case_migration, is still there.
KNOWN_BACK_EDGES = {
    ("cases", "tasks"): "submitting a case mirrors its first tasks; the case API shows and completes tasks",
    ("cases", "deadlines"): "the case API shows the case's deadlines",
    ("tasks", "staffing"): "a review task needs an eligible reviewer (permissions, inbox, assignment of new tasks)",
    ("tasks", "deadlines"): "the mirror starts and stops deadlines; the inbox filters on them; extension requests",
}


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


def test_no_cycle_between_packages_beyond_the_known_back_edges():
    graph = package_graph()
    for importer, imported in KNOWN_BACK_EDGES:
        graph[importer].discard(imported)
    assert cycles(graph) == []


def test_every_known_back_edge_is_still_there():
    graph = package_graph()
    gone = [edge for edge in KNOWN_BACK_EDGES if edge[1] not in graph.get(edge[0], set())]
    assert gone == [], "strike these from KNOWN_BACK_EDGES"
