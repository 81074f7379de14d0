"""Share of annotated parameters (self/cls excluded) and of `actor` parameters typed, in review_service/.

    .venv/bin/python bench/typed_parameters.py [ROOT]
"""
import ast
import sys
from pathlib import Path


def count(root: Path) -> dict[str, int]:
    totals = {"parameters": 0, "typed": 0, "actor": 0, "actor_typed": 0, "returns": 0, "functions": 0}
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            totals["functions"] += 1
            totals["returns"] += node.returns is not None
            args = node.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
                if arg.arg in ("self", "cls"):
                    continue
                totals["parameters"] += 1
                totals["typed"] += arg.annotation is not None
                if arg.arg == "actor":
                    totals["actor"] += 1
                    totals["actor_typed"] += arg.annotation is not None
    return totals


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "review_service")
    t = count(root)
    print(f"parameters typed: {t['typed']}/{t['parameters']} = {t['typed'] / t['parameters']:.0%}; "
          f"actor typed: {t['actor_typed']}/{t['actor']}; "
          f"return types: {t['returns']}/{t['functions']} = {t['returns'] / t['functions']:.0%}")
