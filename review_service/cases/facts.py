"""Case facts: amounts as exact decimals, and the view of a case the review gate evaluates."""
from decimal import Decimal, InvalidOperation

from ..errors import InvalidInput

EDITABLE_FACTS = ("proposed_decision", "fine_amount", "confiscation_amount", "sanctions", "legal_basis")


def to_amount(value, field: str) -> Decimal:
    """Yuan with at most two decimals; refuse anything else instead of rounding money."""
    try:
        amount = Decimal(str(value if value is not None else 0))
    except InvalidOperation:
        raise InvalidInput("金额格式不正确", fields={field: ["金额格式不正确"]}) from None
    if not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -2:
        raise InvalidInput("金额最多保留两位小数且不能为负数", fields={field: ["金额最多保留两位小数且不能为负数"]})
    return amount.quantize(Decimal("0.01"))


def gate_facts(case) -> dict:
    return {"decision_type": case.decision_type, "party_type": case.party_type,
            "fine_amount": Decimal(case.fine_amount), "confiscation_amount": Decimal(case.confiscation_amount),
            "sanctions": list(case.sanctions or []), "hearing_held": case.hearing_held,
            "complexity": dict(case.complexity or {}), "discretion": case.discretion,
            "sector": case.sector, "power_source": case.power_source}


def apply_updated_facts(case, updated: dict, field_prefix: str = "updated") -> dict:
    """Apply a handler's corrections to the case; return {field: [old, new]} for the history."""
    changes = {}
    for name in EDITABLE_FACTS:
        if name not in updated:
            continue
        new = updated[name]
        if name in ("fine_amount", "confiscation_amount"):
            new = to_amount(new, f"{field_prefix}.{name}")
        old = getattr(case, name)
        if old != new:
            changes[name] = [old, new]
            setattr(case, name, new)
    return changes
