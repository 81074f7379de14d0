"""The review gate: statutory triggers always apply, catalog thresholds with both comparators."""
from decimal import Decimal

import pytest

from review_service.catalog.service import evaluate_review_requirement

CATALOG = {"rules": [
    {"id": "person_at_least", "title": "自然人1万元以上", "party_types": ["natural_person"],
     "amount_basis": "combined", "comparator": "at_least", "threshold": 10000},
    {"id": "org_more_than", "title": "法人超过10万元", "party_types": ["legal_person"],
     "amount_basis": "fine", "comparator": "more_than", "threshold": 100000},
    {"id": "revocation", "title": "吊销许可证件", "sanctions_any": ["revoke_license"]},
]}


def facts(**overrides):
    base = {"decision_type": "administrative_penalty", "party_type": "natural_person",
            "fine_amount": Decimal("0"), "confiscation_amount": Decimal("0"), "sanctions": [],
            "hearing_held": False, "complexity": {}}
    base.update(overrides)
    return base


@pytest.mark.parametrize("fine, confiscation, required", [
    ("9999.99", "0", False), ("10000", "0", True), ("10000.01", "0", True), ("6000", "4000", True),
    ("5999.99", "4000", False)])
def test_at_least_includes_the_threshold_on_the_combined_amount(fine, confiscation, required):
    result = evaluate_review_requirement(facts(fine_amount=Decimal(fine), confiscation_amount=Decimal(confiscation)),
                                         CATALOG)
    assert result.review_required is required


@pytest.mark.parametrize("fine, required", [("99999.99", False), ("100000", False), ("100000.01", True)])
def test_more_than_excludes_the_threshold(fine, required):
    result = evaluate_review_requirement(
        facts(party_type="legal_person", fine_amount=Decimal(fine), confiscation_amount=Decimal("500000")), CATALOG)
    assert result.review_required is required


def test_rules_only_apply_to_their_party_type():
    result = evaluate_review_requirement(facts(party_type="legal_person", fine_amount=Decimal("50000")), CATALOG)
    assert result.review_required is False


def test_matched_rules_are_named():
    result = evaluate_review_requirement(facts(fine_amount=Decimal("20000"), sanctions=["revoke_license"]), CATALOG)
    assert [r["code"] for r in result.reasons] == ["person_at_least", "revocation"]
    assert all(r["matched"] for r in result.reasons)


@pytest.mark.parametrize("flag", ["major_public_interest", "complex_case", "required_by_law",
                                  "major_rights_affected", "major_social_impact", "handler_requests_review"])
def test_statutory_triggers_apply_even_with_an_empty_catalog(flag):
    result = evaluate_review_requirement(facts(complexity={flag: True}), {"rules": []})
    assert result.review_required is True
    assert result.reasons[0]["source"] == "statutory" and result.reasons[0]["code"] == flag


def test_a_hearing_always_requires_review():
    result = evaluate_review_requirement(facts(hearing_held=True), {"rules": []})
    assert result.review_required and "第五十八条" in result.reasons[0]["text"]


def test_not_required_says_why():
    result = evaluate_review_requirement(facts(fine_amount=Decimal("500")), CATALOG)
    assert result.review_required is False
    texts = [r["text"] for r in result.reasons]
    assert "未涉及" in texts[0]
    assert any("500.00" in t and "未达到" in t for t in texts)
