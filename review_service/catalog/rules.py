"""Catalog rules: amount thresholds with an explicit comparator, and sanction lists.

Comparators follow 民法典 Art. 1259: "以上" includes the stated number (at_least),
"超过"/"不含本数" excludes it (more_than).
"""
from decimal import Decimal

COMPARATORS = {
    "at_least": (lambda amount, threshold: amount >= threshold, "以上"),
    "more_than": (lambda amount, threshold: amount > threshold, "超过（不含本数）"),
}
AMOUNT_BASES = {
    "fine": ("罚款金额", lambda f: f["fine_amount"]),
    "confiscation": ("没收金额", lambda f: f["confiscation_amount"]),
    "combined": ("罚没金额合计", lambda f: f["fine_amount"] + f["confiscation_amount"]),
}


def rule_applies_to(rule: dict, facts: dict) -> bool:
    """Whether the rule's scope (decision type, party type) covers the case."""
    if rule.get("decision_types") and facts["decision_type"] not in rule["decision_types"]:
        return False
    return not (rule.get("party_types") and facts["party_type"] not in rule["party_types"])


def evaluate_rule(rule: dict, facts: dict) -> tuple[bool, str]:
    """(matched, explanation) for one rule against normalised facts (amounts as Decimal)."""
    if "threshold" in rule:
        label, amount_of = AMOUNT_BASES[rule.get("amount_basis", "combined")]
        compare, word = COMPARATORS[rule.get("comparator", "at_least")]
        amount, threshold = amount_of(facts), Decimal(str(rule["threshold"]))
        matched = compare(amount, threshold)
        relation = "达到" if matched else "未达到"
        return matched, f"{label} {amount:.2f} 元{relation} {threshold:.0f} 元{word}标准"
    if "sanctions_any" in rule:
        hits = sorted(set(facts["sanctions"]) & set(rule["sanctions_any"]))
        return bool(hits), ("拟作出" + "、".join(hits)) if hits else "未涉及所列处罚种类"
    return False, "规则无可判断的条件"
