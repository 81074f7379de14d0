"""Catalog rules (目录清单): a scope, then conditions that must all hold.

Comparators follow 民法典 Art. 1259: "以上" includes the stated number (gte, alias at_least),
"超过"/"不含本数" excludes it (gt, alias more_than). Amount basis: fine, confiscation or both combined.
"""
from decimal import Decimal
from typing import Any

COMPARATORS = {
    "gte": (lambda amount, threshold: amount >= threshold, "以上（含本数）"),
    "gt": (lambda amount, threshold: amount > threshold, "超过（不含本数）"),
}
COMPARATOR_ALIASES = {"at_least": "gte", "more_than": "gt"}
AMOUNT_BASES = {
    "fine": ("罚款金额", lambda f: f["fine_amount"]),
    "confiscation": ("没收金额", lambda f: f["confiscation_amount"]),
    "combined": ("罚没金额合计", lambda f: f["fine_amount"] + f["confiscation_amount"]),
}
# Scope keys: rule list -> the case fact it is compared with.
SCOPES = {"decision_types": "decision_type", "party_types": "party_type", "sectors": "sector",
          "power_sources": "power_source"}
DISCRETION_WORDS = {"mitigated": "减轻处罚", "aggravated": "从重处罚", "lighter": "从轻处罚"}


def rule_applies_to(rule: dict, facts: dict) -> bool:
    """Whether the rule's scope (decision type, party type, sector, source of the power) covers the case."""
    return all(facts.get(fact) in rule[key] for key, fact in SCOPES.items() if rule.get(key))


def evaluate_rule(rule: dict, facts: dict) -> tuple[bool, str]:
    """(matched, explanation): matched when every condition the rule states holds (amounts as Decimal)."""
    results = [check(rule, facts) for key, check in CONDITIONS.items() if key in rule]
    if not results:
        return False, "规则无可判断的条件"
    matched = all(ok for ok, _ in results)
    return matched, "；".join(text for _, text in results)


def _threshold(rule: dict, facts: dict) -> tuple[bool, str]:
    label, amount_of = AMOUNT_BASES[rule.get("amount_basis", "combined")]
    comparator = rule.get("comparator", "gte")
    compare, word = COMPARATORS[COMPARATOR_ALIASES.get(comparator, comparator)]
    amount, threshold = amount_of(facts), Decimal(str(rule["threshold"]))
    matched = compare(amount, threshold)
    return matched, f"{label} {amount:.2f} 元{'达到' if matched else '未达到'} {threshold:.2f} 元{word}标准"


def _sanctions(rule: dict, facts: dict) -> tuple[bool, str]:
    hits = sorted(set(facts.get("sanctions") or []) & set(rule["sanctions_any"]))
    return bool(hits), ("拟作出" + "、".join(hits)) if hits else "未涉及所列处罚种类"


def _hearing(_rule: dict, facts: dict) -> tuple[bool, str]:
    return bool(facts.get("hearing_held")), "经过听证" if facts.get("hearing_held") else "未经听证"


def _discretion(rule: dict, facts: dict) -> tuple[bool, str]:
    value: Any = facts.get("discretion")
    if value in rule["discretion_any"]:
        return True, f"拟{DISCRETION_WORDS.get(value, value)}"
    return False, "未" + "或".join(DISCRETION_WORDS.get(word, word) for word in rule["discretion_any"])


def _complexity(rule: dict, facts: dict) -> tuple[bool, str]:
    hits = sorted(flag for flag in rule["complexity_any"] if (facts.get("complexity") or {}).get(flag))
    return bool(hits), ("具有情形：" + "、".join(hits)) if hits else "不具有所列情形"


def _always(_rule: dict, _facts: dict) -> tuple[bool, str]:
    return True, "范围内的决定均须审核"


CONDITIONS = {"threshold": _threshold, "sanctions_any": _sanctions, "hearing_held": _hearing,
              "discretion_any": _discretion, "complexity_any": _complexity, "always": _always}
