"""Each agency's published catalog decides the gate; statutory triggers cannot be switched off."""
import pytest

from ..processes.overrides import upload

PERSON = {"decision_type": "administrative_penalty", "party_type": "natural_person"}
CATALOG = {"title": "示例目录", "rules": [
    {"id": "person_gte", "title": "对自然人罚款5000元以上", "party_types": ["natural_person"], "sectors": ["eco"],
     "amount_basis": "fine", "comparator": "gte", "threshold": 5000},
    {"id": "person_gt", "title": "对自然人罚没合计超过5000元（不含本数）", "party_types": ["natural_person"],
     "sectors": ["urban"], "amount_basis": "combined", "comparator": "gt", "threshold": 5000},
    {"id": "confiscation", "title": "没收违法所得2000元以上", "amount_basis": "confiscation", "comparator": "gte",
     "threshold": 2000},
    {"id": "mitigated", "title": "拟减轻或从重处罚", "decision_types": ["administrative_penalty"],
     "discretion_any": ["mitigated", "aggravated"]},
    {"id": "revocation_after_hearing", "title": "听证后吊销许可证件", "sanctions_any": ["revoke_license"],
     "hearing_held": True},
]}


@pytest.fixture
def published(as_user):
    response = upload(as_user("designer"), "city", {"catalog.json": CATALOG})
    assert response.status_code == 201, response.get_json()


def evaluate(as_user, code="city", **facts):
    response = as_user("handler").post(f"/api/v1/agencies/{code}/catalog/evaluate", json={**PERSON, **facts})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def matched(body) -> list[str]:
    return [r["code"] for r in body["reasons"] if r["matched"]]


@pytest.mark.parametrize("fine, required", [("4999.99", False), ("5000", True), ("5000.01", True)])
def test_gte_includes_the_amount(as_user, published, fine, required):
    body = evaluate(as_user, fine_amount=fine, sector="eco")
    assert body["review_required"] is required and (matched(body) == ["person_gte"]) is required


@pytest.mark.parametrize("fine, confiscation, required", [
    ("4999.99", "0", False), ("5000", "0", False), ("5000.01", "0", True), ("3000", "1999.99", False),
    ("3000", "2000.01", True)])
def test_gt_excludes_the_amount_on_the_combined_basis(as_user, published, fine, confiscation, required):
    body = evaluate(as_user, fine_amount=fine, confiscation_amount=confiscation, sector="urban")
    assert ("person_gt" in matched(body)) is required


@pytest.mark.parametrize("confiscation, required", [("1999.99", False), ("2000", True), ("2000.01", True)])
def test_the_confiscation_basis_ignores_the_fine(as_user, published, confiscation, required):
    body = evaluate(as_user, fine_amount="90000", confiscation_amount=confiscation, sector="other")
    assert body["review_required"] is required


def test_scope_conditions_and_reasons_name_each_matched_rule(as_user, published):
    body = evaluate(as_user, discretion="mitigated", sanctions=["revoke_license"], hearing_held=True)
    assert matched(body) == ["hearing_held", "mitigated", "revocation_after_hearing"]
    assert body["reasons"][0]["source"] == "statutory"  # statutory triggers first
    assert "减轻处罚" in body["reasons"][1]["text"]
    body = evaluate(as_user, discretion="lighter", sanctions=["revoke_license"])
    assert matched(body) == [] and body["review_required"] is False  # every condition of a rule must hold


def test_the_gate_of_a_submitted_case_uses_the_agencys_catalog(as_user, published):
    small = {"party": {"type": "natural_person", "name": "张三"}, "fine_amount": 5000, "confiscation_amount": 0,
             "sector": "eco"}
    case = as_user("handler").submit(**small)
    assert case["review_required"] is True and [r["code"] for r in case["review_required_reasons"]] == ["person_gte"]
    other = as_user("other.handler").submit(**small)  # the national default: 1万元以上 for persons
    assert other["review_required"] is False


def test_the_published_catalog_lists_the_fixed_statutory_triggers(as_user, published):
    body = as_user("handler").get("/api/v1/agencies/city/catalog").get_json()
    assert body["catalog"]["title"] == "示例目录" and body["process_version"] == 1
    assert {t["code"] for t in body["statutory_triggers"]} >= {"hearing_held", "major_public_interest"}
    default = as_user("other.handler").get("/api/v1/agencies/other/catalog").get_json()  # inherits the default
    assert default["process_owner"] == "national_default"


@pytest.mark.parametrize("catalog, element", [
    ({"rules": [{"id": "x", "title": "停用听证", "disable": "hearing_held"}]}, "rules/0/disable"),
    ({"disable_statutory": ["hearing_held"], "rules": []}, "disable_statutory"),
    ({"rules": [{"id": "hearing_held", "title": "听证", "always": True}]}, "rules/0/id"),
    ({"rules": [{"id": "x", "title": "未知条件", "colour": "red"}]}, "rules/0"),
    ({"rules": [{"id": "x", "title": "比较符", "threshold": 1, "amount_basis": "fine", "comparator": "ge"}]},
     "rules/0/comparator"),
])
def test_a_catalog_that_switches_off_a_statutory_trigger_or_has_unknown_keys_is_refused(as_user, catalog, element):
    response = upload(as_user("designer"), "city", {"catalog.json": catalog})
    assert response.status_code == 422, response.get_json()
    problems = response.get_json()["error"]["fields"]["files"]
    assert any(p.startswith(f"catalog.json:{element}:") for p in problems), problems
    if "disable" in element or element == "rules/0/id":
        assert any("法定审核情形始终适用" in p for p in problems), problems


def test_statutory_triggers_apply_whatever_the_catalog_says(as_user):
    upload(as_user("designer"), "city", {"catalog.json": {"rules": []}})
    body = evaluate(as_user, hearing_held=True, complexity={"major_public_interest": True})
    assert matched(body) == ["major_public_interest", "hearing_held"]
