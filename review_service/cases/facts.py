"""Case facts: the view of a case the review gate evaluates, and the handler's corrections to them."""
from decimal import Decimal

from ..money import to_amount

EDITABLE_FACTS = ("proposed_decision", "fine_amount", "confiscation_amount", "sanctions", "legal_basis")


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
