"""The catalog an agency's next case is judged by: its process version's catalog.json, with catalog's rules."""
from ..catalog.service import evaluate_review_requirement
from ..catalog.statutory import STATUTORY_TRIGGERS
from ..money import to_amount
from .service import catalog_of, version_for_new_case


def agency_catalog(agency) -> dict:
    """The catalog the agency's next case is judged by, with the version it belongs to and the fixed triggers."""
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
