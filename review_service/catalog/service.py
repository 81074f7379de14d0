"""Decide whether a case needs legal review, and say why."""
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app

from .rules import evaluate_rule, rule_applies_to
from .statutory import matched_triggers


@dataclass(frozen=True)
class GateResult:
    review_required: bool
    reasons: list[dict]


@lru_cache(maxsize=32)
def _load_catalog(path: str, mtime: float) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def default_catalog() -> dict:
    path = current_app.config["WORKFLOWS_DIR"] / "default" / "catalog.json"
    return _load_catalog(str(path), path.stat().st_mtime)


def evaluate_review_requirement(facts: dict, catalog: dict) -> GateResult:
    """Statutory triggers always count; catalog rules add to them. Reasons name every matched rule.

    When nothing matches, the reasons explain each rule that was checked and why it did not apply.
    """
    reasons = [{"source": "statutory", "code": t.code, "matched": True, "text": f"{t.text}（{t.basis}）"}
               for t in matched_triggers(facts)]
    checked = []
    for rule in catalog.get("rules", []):
        if not rule_applies_to(rule, facts):
            continue
        matched, explanation = evaluate_rule(rule, facts)
        entry = {"source": "catalog", "code": rule["id"], "matched": matched,
                 "text": f"{rule['title']}：{explanation}"}
        (reasons if matched else checked).append(entry)
    if reasons:
        return GateResult(True, reasons)
    none_statutory = {"source": "statutory", "code": "none", "matched": False,
                      "text": "未涉及行政处罚法第五十八条及国办发〔2018〕118号规定的法制审核情形"}
    return GateResult(False, [none_statutory, *checked])
