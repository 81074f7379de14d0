"""One whole case clicked through in Chromium by the handler, the reviewer and the head, with an
issues-found round (at 1366 px and on a 390 px phone); the handler disagreeing and the coordination recorded;
and a server field error shown beside its field. Screenshots: tests/artifacts/screenshots/."""
import re

import pytest

from ..factories import browser_logout, browser_session, find_issues, screenshot, under_review

pytestmark = pytest.mark.e2e


def wait_for_form(page):
    """json-editor builds the form after the page has loaded: wait until it says it is ready."""
    page.wait_for_selector('#form-editor[data-ready="true"]')


def fill_submission(page, tmp_path):
    page.goto("/cases/new")
    wait_for_form(page)
    page.fill('[name="root[case_number]"]', "市监罚〔2026〕88号")
    page.fill('[name="root[title]"]', "某公司销售不合格电线电缆案")
    page.select_option('[name="root[decision_type]"]', "administrative_penalty")
    page.select_option('[name="root[party][type]"]', "legal_person")
    page.fill('[name="root[party][name]"]', "某某电缆有限公司")
    page.fill('[name="root[proposed_decision]"]', "没收违法所得二万元，并处罚款十五万元。")
    page.fill('[name="root[fine_amount]"]', "150000")
    page.fill('[name="root[filed_on]"]', "2026-09-01")
    page.select_option('[name="root[materials][0][category]"]', "investigation_report")
    page.fill('[name="root[materials][0][name]"]', "调查终结报告")
    report = tmp_path / "调查终结报告.txt"
    report.write_text("经调查，当事人销售不合格电线电缆。", encoding="utf-8")
    attachments = page.locator('[data-schemapath="root.materials.0.attachment_ids"]')
    attachments.locator("button.json-editor-btntype-add").first.click()
    attachments.locator('input[type="file"]').set_input_files(str(report))
    page.wait_for_selector(".uploaded-file")


def open_task(page, case_id: int, title: str):
    """From the case page (opened unless the page shows it already), the step's 办理 link."""
    if not page.url.endswith(f"/cases/{case_id}"):
        page.goto(f"/cases/{case_id}")
    page.locator("#open-tasks li", has_text=title).get_by_role("link").click()
    page.wait_for_selector("#task-title")
    if page.locator("#form-editor").count():
        wait_for_form(page)


def next_user_opens(page, username: str, case_id: int, title: str):
    """The current user logs out (the navigation's button); `username` logs in (browser_session: the login form
    itself is tested in test_login.py and test_e2e_csp.py) and opens the case's step `title` from the case page."""
    browser_logout(page)
    browser_session(page, username, then=f"/cases/{case_id}")
    open_task(page, case_id, title)


def submit_form(page):
    page.click("#form-submit")
    try:
        page.wait_for_url(re.compile(r".*/cases/\d+$"))
    except Exception as exc:  # any failure to leave the form shows what the page said
        screenshot(page, "failed_submit")
        raise AssertionError(page.locator("#form-errors").inner_text() if page.locator("#form-errors").count()
                             else page.inner_text("main")[:2000]) from exc


def case_status(page) -> str:
    return page.inner_text("#case-status").strip()


def fill_checklist(page, issue_point: str | None = None):
    for row in page.locator("#checklist tbody tr").all():
        verdict = "issue" if row.get_attribute("data-point") == issue_point else "pass"
        row.locator(f'input[value="{verdict}"]').check()
        if verdict == "issue":
            row.locator("textarea").fill("罚款数额超出本机关裁量基准")


def handle_visible(page, title: str):
    """The case page's current step `title` shows its 办理 button inside the viewport's width."""
    button = page.locator("#open-tasks li", has_text=title).get_by_role("link")
    box = button.bounding_box()
    assert button.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


@pytest.mark.parametrize("browser_page", ["desktop", "phone"], indirect=True)
def test_whole_case_with_an_issues_found_round(browser_page, as_user, tmp_path):
    page = browser_page
    browser_session(page, "handler", then=None)
    fill_submission(page, tmp_path)
    screenshot(page, "case_new")
    submit_form(page)
    case_id = int(page.url.rsplit("/", 1)[1])
    assert case_status(page) == "待受理"
    page.wait_for_selector("#diagram[data-loaded='accept_submission']")  # the current step is marked
    assert page.locator("#diagram .current-step").count() >= 1
    assert page.locator("#materials a", has_text="调查终结报告.txt").count() == 1
    screenshot(page, "case_page")
    browser_logout(page)

    browser_session(page, "reviewer")
    row = page.locator("#inbox-table tr", has_text="某公司销售不合格电线电缆案")
    assert row.count() == 1 and row.get_by_role("link", name="办理").is_visible()
    screenshot(page, "inbox")
    page.goto(f"/cases/{case_id}")
    handle_visible(page, "受理")
    open_task(page, case_id, "受理")
    page.select_option('[name="root[result]"]', "accept")
    submit_form(page)
    assert case_status(page) == "审核中"
    reviewer = as_user("handler").case(case_id)["open_tasks"][0]["assignee"]["full_name"]
    if reviewer != "reviewer":  # assignment by load: log in as whoever got the review
        browser_logout(page)
        browser_session(page, reviewer, then=f"/cases/{case_id}")
    open_task(page, case_id, "审核")
    fill_checklist(page, issue_point="legal_basis_and_discretion")
    page.check('input[name="opinion"][value="issues"]')
    page.fill("#opinion_text", "经审核，本案裁量不当。")
    page.fill("#suggestions", "罚款数额超出裁量基准，建议调整为十万元")
    screenshot(page, "review_checklist")
    submit_form(page)
    assert case_status(page) == "审核存在问题，待承办机构处理"
    next_user_opens(page, "handler", case_id, "处理审核意见")
    page.select_option('[name="root[action]"]', "correct")
    page.fill('[name="root[correction_summary]"]', "已按审核意见将罚款调整为十万元。")
    page.fill('[name="root[updated][fine_amount]"]', "100000")
    page.fill('[name="root[updated][proposed_decision]"]', "没收违法所得二万元，并处罚款十万元。")
    submit_form(page)
    assert case_status(page) == "审核中"  # correcting goes straight to the next review round
    next_user_opens(page, reviewer, case_id, "审核")
    fill_checklist(page)
    page.check('input[name="opinion"][value="approve"]')
    page.fill("#opinion_text", "事实清楚，证据确凿，适用依据正确，程序合法，同意。")
    submit_form(page)
    assert case_status(page) == "审核通过，待作出决定"
    assert page.locator(".opinion").count() == 2  # both rounds' opinions are kept
    next_user_opens(page, "head", case_id, "决定")
    page.fill('[name="root[decision_text]"]', "没收违法所得二万元，并处罚款十万元。")
    page.fill('[name="root[decided_on]"]', "2026-11-02")
    page.fill('[name="root[document_number]"]', "市监罚决〔2026〕88号")
    screenshot(page, "decision_form")
    submit_form(page)
    assert case_status(page) == "已作出决定"
    assert "市监罚决〔2026〕88号" in page.inner_text("#decision")
    screenshot(page, "case_decided", full_page=True)

    case = as_user("head").case(case_id)
    assert case["status"] == "decided" and case["round"] == 2
    assert [o["opinion"] for o in case["opinions"]] == ["issues", "approve"]
    assert case["fine_amount"] == "100000.00"
    assert page.js_errors == []


@pytest.mark.parametrize("browser_page", ["desktop", "phone"], indirect=True)
def test_the_handler_disagrees_and_the_coordination_is_recorded(browser_page, as_user):
    case_id = under_review(as_user)
    find_issues(as_user, case_id)
    page = browser_page
    browser_session(page, "handler", then=None)
    open_task(page, case_id, "处理审核意见")
    page.select_option('[name="root[action]"]', "disagree")
    page.fill('[name="root[disagreement_reasons]"]', "裁量适当，不同意审核意见")
    screenshot(page, "disagree_form")
    submit_form(page)
    assert case_status(page) == "协调中"
    [task] = as_user("handler").case(case_id)["open_tasks"]
    coordinator = task["assignee"]["full_name"] if task["assignee"] else task["role"]
    next_user_opens(page, coordinator, case_id, "协调")
    page.select_option('[name="root[outcome]"]', "revise_to_approve")
    page.fill('[name="root[minutes]"]', "经协调，承办机构补充裁量说明，法制审核机构同意。")
    page.fill('[name="root[revision_reasons]"]', "承办机构补充的裁量说明充分")
    screenshot(page, "coordination_form")
    submit_form(page)
    assert case_status(page) == "审核通过，待作出决定"
    screenshot(page, "coordinated", full_page=True)
    assert as_user("head").case(case_id)["status"] == "review_passed"


def test_server_field_error_is_shown_beside_the_field(browser_page, as_user):
    page = browser_page
    browser_session(page, "handler", then="/cases/new")
    wait_for_form(page)
    page.fill('[name="root[case_number]"]', "市监罚〔2026〕89号")
    page.fill('[name="root[title]"]', "某商店销售过期食品案")
    page.fill('[name="root[party][name]"]', "某商店")
    page.fill('[name="root[materials][0][name]"]', "调查终结报告")
    page.fill('[name="root[fine_amount]"]', "-100")  # the server refuses a negative amount
    page.fill('[name="root[confiscation_amount]"]', "2000")
    page.click("#form-submit")
    page.wait_for_selector("#form-errors")
    wait_for_form(page)
    field = page.locator('[data-schemapath="root.fine_amount"]')
    field.filter(has_text="数值过小").wait_for()  # the server's message, inside the field's own block
    # json-editor validates again (on an animation frame) after the values are set; the messages stay
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert "数值过小" in field.inner_text()
    assert "必填" in page.locator('[data-schemapath="root.proposed_decision"]').inner_text()
    assert page.input_value('[name="root[title]"]') == "某商店销售过期食品案"  # nothing typed is lost
    assert page.input_value('[name="root[fine_amount]"]') == "-100"  # not even the refused number
    assert page.evaluate("window.formEditor.getValue().confiscation_amount") == 2000  # numbers kept as numbers
    assert page.locator('[name="root[facts]"]').count() == 1  # optional fields stay on the form
    screenshot(page, "field_error")
    assert as_user("handler").get("/api/v1/cases").get_json()["items"] == []
