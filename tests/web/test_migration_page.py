"""迁移运行中的案件 from the designer's version list: the dry run per case, the confirmed move, who may."""
import re

import pytest

from ..factories import browser_session, decision, review, screenshot, version_of_case
from ..processes.overrides import GUANGDONG_PROFILE, default_bpmn, upload, with_extra_step

NATIONAL_V1 = (None, 1)


def cases_and_a_new_version(as_user) -> tuple[int, int]:
    """A waiting case (can move) and a decided one (its decision gateway changed: cannot), both on the national
    default, and the agency's version 1 with an extra step before the decision."""
    waiting = as_user("handler").submit()["id"]
    decided = as_user("handler").submit(case_number="市监罚〔2026〕2号")["id"]
    as_user("reviewer").complete(decided, "accept_submission", {"result": "accept"})
    as_user("reviewer").complete(decided, "review_case", review("approve"))
    as_user("head").complete(decided, "record_decision", decision())
    response = upload(as_user("designer"), "city", {"legal_review.bpmn": with_extra_step(default_bpmn())})
    assert response.status_code == 201, response.get_json()
    return waiting, decided


def rows(html: str) -> dict[int, str]:
    return {int(case): result for case, result in re.findall(r'<tr data-case="(\d+)" data-result="(\w+)"', html)}


def history(as_user, case_id: int) -> list[str]:
    return [e["action"] for e in as_user("handler").get(f"/api/v1/cases/{case_id}/history").get_json()["events"]]


def test_the_version_list_offers_the_move_where_cases_run_on_other_versions(as_user, page_as):
    upload(as_user("designer"), "city", {"legal_review.bpmn": with_extra_step(default_bpmn())})
    html = page_as("designer").get("/designer").get_data(as_text=True)
    assert 'data-version="1"' in html and "/migration" not in html  # no running case at all
    as_user("handler").submit()  # starts on the agency's version 1: nothing to move there
    assert "/migration" not in page_as("designer").get("/designer").get_data(as_text=True)
    upload(as_user("designer"), "city", {"profile.json": GUANGDONG_PROFILE})
    html = page_as("designer").get("/designer").get_data(as_text=True)
    assert 'href="/designer/versions/2/migration"' in html and "迁移运行中的案件" in html
    assert 'href="/designer/versions/1/migration"' not in html


def test_the_dry_run_lists_each_case_and_changes_nothing(app, as_user, page_as):
    waiting, decided = cases_and_a_new_version(as_user)
    response = page_as("designer").get("/designer/versions/1/migration")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "试运行" in html and "尚未作任何更改" in html
    assert rows(html) == {waiting: "would_migrate", decided: "refused"}
    refused_row = html[html.index(f'<tr data-case="{decided}"'):]
    assert "不能迁移" in refused_row and "已办结的步骤在新版本中被修改或删除" in refused_row
    assert "<code>leaders_meeting</code>" in html and "国家默认流程第 1 版" in html
    assert 'id="migration-confirm"' in html and 'action="/designer/versions/1/migration"' in html
    assert version_of_case(app, waiting) == version_of_case(app, decided) == NATIONAL_V1
    assert "process.migrated" not in history(as_user, waiting)
    assert "process.migration_refused" not in history(as_user, decided)


def test_confirming_moves_the_cases_that_can_move_and_records_it(app, as_user, page_as):
    waiting, decided = cases_and_a_new_version(as_user)
    response = page_as("designer").post("/designer/versions/1/migration")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "已将 1 件案件迁移到第 1 版；1 件不能迁移" in html
    assert rows(html) == {waiting: "migrated", decided: "refused"} and 'id="migration-confirm"' not in html
    assert version_of_case(app, waiting)[1] == 1 and version_of_case(app, waiting)[0] is not None
    assert version_of_case(app, decided) == NATIONAL_V1
    assert "process.migrated" in history(as_user, waiting)
    assert "process.migration_refused" in history(as_user, decided)
    again = page_as("designer").get("/designer/versions/1/migration").get_data(as_text=True)
    assert rows(again) == {decided: "refused"} and 'id="migration-confirm"' not in again


def test_an_administrator_of_the_agency_may_move_cases(app, as_user, page_as):
    waiting, _ = cases_and_a_new_version(as_user)
    assert page_as("admin").post("/designer/versions/1/migration").status_code == 200
    assert version_of_case(app, waiting)[1] == 1 and version_of_case(app, waiting)[0] is not None


@pytest.mark.parametrize("username", ["handler", "reviewer", "head", "supervisor"])
def test_others_get_a_readable_refusal_and_nothing_moves(app, as_user, page_as, username):
    waiting, _ = cases_and_a_new_version(as_user)
    user = page_as(username)
    for response in (user.get("/designer/versions/1/migration"), user.post("/designer/versions/1/migration")):
        assert response.status_code == 403 and 'id="page-error"' in response.get_data(as_text=True)
        assert response.mimetype == "text/html"
    assert version_of_case(app, waiting) == NATIONAL_V1 and "process.migrated" not in history(as_user, waiting)


def test_an_unknown_version_and_a_missing_csrf_token(app, as_user, page_as):
    waiting, _ = cases_and_a_new_version(as_user)
    designer = page_as("designer")
    missing = designer.get("/designer/versions/9/migration")
    assert missing.status_code == 404 and "第 9 版" in missing.get_data(as_text=True)
    no_token = designer.client.post("/designer/versions/1/migration")
    assert no_token.status_code == 400 and "csrf_failed" in no_token.get_data(as_text=True)
    assert version_of_case(app, waiting) == NATIONAL_V1


@pytest.mark.e2e
def test_a_designer_moves_running_cases_in_the_browser(app, as_user, browser_page):
    waiting, decided = cases_and_a_new_version(as_user)
    page = browser_page
    browser_session(page, "designer", then="/designer")
    page.locator('tr[data-version="1"] a.migrate-cases').click()
    page.wait_for_selector("#migration-cases")
    assert page.locator(f'tr[data-case="{decided}"]').get_attribute("data-result") == "refused"
    page.click("#migration-confirm button")
    page.wait_for_selector(f'tr[data-case="{waiting}"][data-result="migrated"]')
    assert "已将 1 件案件迁移到第 1 版" in page.inner_text("#migration-summary")
    screenshot(page, "designer_migration")
    assert version_of_case(app, waiting)[1] == 1 and page.js_errors == []
