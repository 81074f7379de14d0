"""Decide whether a case needs legal review from the agency's published catalog, and say why."""
from dataclasses import dataclass

from .rules import evaluate_rule, rule_applies_to
from .statutory import matched_triggers


@dataclass(frozen=True)
class GateResult:
    review_required: bool
    reasons: list[dict]


def evaluate_review_requirement(facts: dict, catalog: dict) -> GateResult:
    """Statutory triggers first and always; catalog rules add to them. Reasons name every matched rule.

    When nothing matches, the reasons explain each rule that was checked and why it did not apply.
    """
    reasons = [{"source": "statutory", "code": t.code, "matched": True, "text": f"{t.text}（{t.basis}）"}
               for t in matched_triggers(facts)]
    checked: list[dict] = []
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
