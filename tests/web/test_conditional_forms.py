"""Forms that follow the user's choices: a field that belongs to one choice shows only with it
(options.dependencies, also on the review checklist page), a multiple choice is a set of checkboxes, and
a step's form starts with what the case already says (x-prefill)."""
import json
import re
from pathlib import Path

import pytest

from review_service.tasks.prefill import PREFILL_SOURCES

from ..factories import browser_session, decision, review, screenshot

FORMS = Path(__file__).resolve().parents[2] / "forms"


def _properties(schema: dict, path: str = ""):
    """(path, property, its siblings) for every property of every object in the schema."""
    for name, field in (schema.get("properties") or {}).items():
        yield f"{path}{name}", field, schema["properties"]
        yield from _properties(field, f"{path}{name}.")
        yield from _properties(field.get("items") or {}, f"{path}{name}[].")


def _every_form():
    return [(path.name, json.loads(path.read_text(encoding="utf-8"))) for path in sorted(FORMS.glob("*.json"))]


def _allowed_values(field: dict) -> list:
    return [True, False] if field.get("type") == "boolean" else list(field.get("enum", []))


@pytest.mark.parametrize(("form", "schema"), _every_form())
def test_a_conditional_field_depends_on_a_choice_its_sibling_offers(form, schema):
    for path, field, siblings in _properties(schema):
        for sibling, wanted in ((field.get("options") or {}).get("dependencies") or {}).items():
            assert sibling in siblings, f"{form}: {path} depends on {sibling}, which is not beside it"
            for value in wanted if isinstance(wanted, list) else [wanted]:
                assert value in _allowed_values(siblings[sibling]), f"{form}: {path} waits for {value!r}"


@pytest.mark.parametrize(("form", "schema"), _every_form())
def test_a_prefilled_field_names_a_known_source(form, schema):
    for path, field, _ in _properties(schema):
        if "x-prefill" in field:
            assert field["x-prefill"] in PREFILL_SOURCES, f"{form}: {path} prefills from {field['x-prefill']}"
            assert "." not in path, f"{form}: only top-level fields are prefilled ({path})"


def _form_config(html: str) -> dict:
    return json.loads(re.search(r'id="form-config">(.*?)</script>', html, re.S).group(1))


def _decision_task(as_user) -> tuple[int, str]:
    handler, reviewer = as_user("handler"), as_user("reviewer")
    case_id = handler.submit(proposed_decision="没收违法所得一万元，并处罚款八万元。")["id"]
    reviewer.complete(case_id, "accept_submission", {"result": "accept"})
    reviewer.complete(case_id, "review_case", review("approve"))
    return case_id, as_user("head").open_task_id(case_id, "record_decision")


def test_the_decision_form_starts_with_the_proposed_decision_and_today(page_as, as_user, frozen_clock):
    _, task_id = _decision_task(as_user)
    startval = _form_config(page_as("head").get(f"/tasks/{task_id}").get_data(as_text=True))["startval"]
    assert startval == {"decision_text": "没收违法所得一万元，并处罚款八万元。", "decided_on": decision()["decided_on"]}


def test_a_saved_draft_wins_over_the_prefilled_values(page_as, as_user):
    _, task_id = _decision_task(as_user)
    head = page_as("head")
    head.post(f"/tasks/{task_id}/draft", data={"data": json.dumps({"decision_text": "草稿中的决定"})})
    startval = _form_config(head.get(f"/tasks/{task_id}").get_data(as_text=True))["startval"]
    assert startval == {"decision_text": "草稿中的决定"}


def test_the_checklist_page_marks_the_transfer_fields_as_belonging_to_a_transfer(page_as, as_user):
    handler, reviewer = as_user("handler"), as_user("reviewer")
    case_id = handler.submit()["id"]
    reviewer.complete(case_id, "accept_submission", {"result": "accept"})
    html = page_as("reviewer").get(f"/tasks/{reviewer.open_task_id(case_id, 'review_case')}").get_data(as_text=True)
    shown_when = dict(re.findall(r'data-field="(\w+)" data-show-when="([^"]+)"', html))
    assert json.loads(shown_when["transfer_target"].replace("&#34;", '"')) == {"opinion": "transfer"}
    assert json.loads(shown_when["suggestions"].replace("&#34;", '"')) == {"opinion": "issues"}
    assert "opinion_text" not in shown_when


@pytest.mark.e2e
def test_fields_follow_the_choice_in_the_browser(browser_page, as_user):
    handler, reviewer = as_user("handler"), as_user("reviewer")
    case_id = handler.submit()["id"]
    reviewer.complete(case_id, "accept_submission", {"result": "accept"})
    task = reviewer.open_task(case_id, "review_case")
    page = browser_page
    browser_session(page, task["assignee"]["full_name"], then=f"/tasks/{task['id']}")
    transfer = page.locator('[data-field="transfer_target"]')
    assert not transfer.is_visible()
    page.check('[id="opinion.transfer"]')
    assert transfer.is_visible() and page.locator('[data-field="suggestions"]').is_hidden()
    page.check('[id="opinion.issues"]')
    assert transfer.is_hidden() and page.locator('[data-field="suggestions"]').is_visible()
    screenshot(page, "review_checklist_issues_chosen")
    assert page.js_errors == []


@pytest.mark.e2e
def test_the_reply_form_shows_only_the_fields_of_the_chosen_reply(browser_page, as_user):
    handler, reviewer = as_user("handler"), as_user("reviewer")
    case_id = handler.submit()["id"]
    reviewer.complete(case_id, "accept_submission", {"result": "accept"})
    reviewer.complete(case_id, "review_case", review("issues"))
    page = browser_page
    browser_session(page, "handler", then="/cases/new")
    page.wait_for_selector('#form-editor[data-ready="true"]')
    assert page.locator('input[type="checkbox"][id^="root[sanctions]"]').count() == 10  # no Ctrl-click list
    assert page.locator('select[name^="root[sanctions]"]').count() == 0
    page.check('[id="root[sanctions]3"]')  # 吊销许可证件
    assert page.evaluate("window.formEditor.getValue().sanctions") == ["revoke_license"]
    page.goto(f"/tasks/{handler.open_task_id(case_id, 'respond_to_opinion')}")
    page.wait_for_selector('#form-editor[data-ready="true"]')
    page.select_option('[name="root[action]"]', "disagree")
    assert page.locator('[name="root[disagreement_reasons]"]').is_visible()
    assert page.locator('[name="root[correction_summary]"]').count() == 0 or \
        page.locator('[name="root[correction_summary]"]').is_hidden()
    page.fill('[name="root[disagreement_reasons]"]', "罚款数额符合裁量基准第三档，不同意调整。")
    screenshot(page, "reply_form_disagree_chosen")
    page.click("#form-submit")
    page.wait_for_url(re.compile(rf".*/cases/{case_id}$"))
    assert handler.case(case_id)["status"] != "opinion_issued"
    assert page.js_errors == []
