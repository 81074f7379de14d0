"""Decide whether a case needs legal review from the agency's published catalog, and say why."""
from dataclasses import dataclass

from ..money import to_amount
from .rules import evaluate_rule, rule_applies_to
from .statutory import STATUTORY_TRIGGERS, matched_triggers


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


def agency_catalog(agency) -> dict:
    """The catalog the agency's next case is judged by, with the version it belongs to and the fixed triggers."""
    from ..processes.service import catalog_of, version_for_new_case
    version = version_for_new_case(agency)
    return {"agency_code": agency.code, "process_version": version.number,
            "process_owner": "national_default" if version.agency_id is None else "agency_or_parent",
            "catalog": catalog_of(version),
            "statutory_triggers": [{"code": t.code, "text": t.text, "basis": t.basis} for t in STATUTORY_TRIGGERS]}


def evaluate_for_agency(agency, facts: dict) -> dict:
    """The gate a case with these facts would meet in this agency (the same evaluation submit_case runs)."""
    published = agency_catalog(agency)
    normalised = {**facts, "fine_amount": to_amount(facts.get("fine_amount"), "fine_amount"),
                  "confiscation_amount": to_amount(facts.get("confiscation_amount"), "confiscation_amount"),
                  "sanctions": list(facts.get("sanctions") or []), "complexity": dict(facts.get("complexity") or {}),
                  "sector": facts.get("sector") or agency.sector}
    result = evaluate_review_requirement(normalised, published["catalog"])
    return {"review_required": result.review_required, "reasons": result.reasons,
            "process_version": published["process_version"]}
