"""撤回公示信息 from the case page: who is offered it, the form, refusals kept on the form, and the browser."""
import re

import pytest

from ..factories import browser_session, decision, review, screenshot

TODAY = "2026-11-02"  # the frozen clock's day in Beijing (a Monday)
FORM = {"received_on": TODAY, "document": "市人民政府行政复议决定书（市政复〔2026〕12号）",
        "reason": "复议机关撤销原处罚决定"}


def decided_case(as_user) -> int:
    case_id = as_user("handler").submit()["id"]
    as_user("reviewer").complete(case_id, "accept_submission", {"result": "accept"})
    as_user("reviewer").complete(case_id, "review_case", review("approve"))
    as_user("head").complete(case_id, "record_decision", decision())
    return case_id


def withdrawal_state(as_user, case_id: int) -> tuple[list, list, list]:
    """What a withdrawal leaves behind, read through the API: open tasks, deadlines, history entries."""
    case = as_user("handler").case(case_id)
    history = as_user("handler").get(f"/api/v1/cases/{case_id}/history").get_json()["events"]
    return ([t for t in case["open_tasks"] if t["name"] == "withdraw_publication"],
            [d for d in case["deadlines"] if d["kind"] == "withdrawal"],
            [e for e in history if e["action"] == "deadline.withdrawal_opened"])


def test_the_handler_and_the_head_are_offered_the_withdrawal_of_a_decided_case(as_user, page_as):
    undecided = as_user("handler").submit(case_number="市监罚〔2026〕2号")["id"]
    case_id = decided_case(as_user)
    for username in ("handler", "head"):
        html = page_as(username).get(f"/cases/{case_id}").get_data(as_text=True)
        assert 'id="withdrawal-form"' in html and "撤回公示信息" in html, username
        assert f'action="/cases/{case_id}/withdrawals"' in html and 'name="csrf_token"' in html
    assert 'id="withdrawal-form"' not in page_as("handler").get(f"/cases/{undecided}").get_data(as_text=True)
    for username in ("reviewer", "supervisor"):  # they see the case, but the service refuses them
        html = page_as(username).get(f"/cases/{case_id}").get_data(as_text=True)
        assert 'id="case-title"' in html and 'id="withdrawal-form"' not in html, username


def test_opening_a_withdrawal_on_the_page(as_user, page_as):
    case_id = decided_case(as_user)
    handler = page_as("handler")
    response = handler.post(f"/cases/{case_id}/withdrawals", data=FORM)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case_id}")
    html = handler.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "已开启撤回" in html and "2026年11月5日" in html  # 3 working days after receipt
    [task], [deadline], [event] = withdrawal_state(as_user, case_id)
    assert (deadline["start_on"], deadline["due_on"], deadline["status"]) == (TODAY, "2026-11-05", "running")
    assert task["assignee"]["full_name"] == "handler" and event["data"]["document"] == FORM["document"]
    assert event["actor"]["full_name"] == "handler"


def test_a_refused_form_keeps_what_was_typed_and_opens_nothing(as_user, page_as):
    case_id = decided_case(as_user)
    response = page_as("handler").post(f"/cases/{case_id}/withdrawals", data={
        "received_on": "", "document": "复", "reason": "复议机关撤销原处罚决定，需撤下公示"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="form-errors"' in html and "未开启撤回" in html
    assert 'data-error-for="received_on"' in html and 'data-error-for="document"' in html
    assert 'data-error-for="reason"' not in html
    assert "2 至 200 个字" in html  # the API schema's length, in the page's words
    assert 'value="复"' in html and "复议机关撤销原处罚决定，需撤下公示</textarea>" in html
    assert "{" not in html[html.index('id="form-errors"'):html.index('id="withdrawal-form"')]  # no JSON
    bad_date = page_as("handler").post(f"/cases/{case_id}/withdrawals", data={**FORM, "received_on": "2026-13-01"})
    assert bad_date.status_code == 422 and 'value="2026-13-01"' in bad_date.get_data(as_text=True)
    assert withdrawal_state(as_user, case_id) == ([], [], [])


@pytest.mark.parametrize(("username", "status", "text"), [
    ("reviewer", 403, "需要承办人或机关负责人角色"), ("supervisor", 403, "需要承办人或机关负责人角色"),
    ("other.handler", 404, "案件不存在")])
def test_who_may_not_withdraw_gets_a_readable_page(as_user, page_as, username, status, text):
    case_id = decided_case(as_user)
    user = page_as(username)
    for response in (user.post(f"/cases/{case_id}/withdrawals", data=FORM), user.get(f"/cases/{case_id}/withdrawals")):
        html = response.get_data(as_text=True)
        assert response.status_code == status and 'id="page-error"' in html and text in html
        assert response.mimetype == "text/html"
    assert withdrawal_state(as_user, case_id) == ([], [], [])


def test_an_undecided_case_has_nothing_to_withdraw(as_user, page_as):
    case_id = as_user("handler").submit()["id"]
    response = page_as("handler").post(f"/cases/{case_id}/withdrawals", data=FORM)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "尚未作出决定" in html and "no_decision" in html
    assert withdrawal_state(as_user, case_id) == ([], [], [])


def test_a_post_without_the_csrf_token_is_refused(as_user, page_as):
    case_id = decided_case(as_user)
    handler = page_as("handler")
    response = handler.client.post(f"/cases/{case_id}/withdrawals", data=FORM)
    assert response.status_code == 400 and "csrf_failed" in response.get_data(as_text=True)
    assert withdrawal_state(as_user, case_id) == ([], [], [])


def test_the_standalone_form_and_english(as_user, page_as):
    case_id = decided_case(as_user)
    handler = page_as("handler")
    html = handler.get(f"/cases/{case_id}/withdrawals").get_data(as_text=True)
    assert 'id="withdrawal-form"' in html and 'id="form-errors"' not in html
    handler.post("/language", data={"lang": "en", "next": "/inbox"})
    html = handler.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Withdraw published information" in html and "Open the withdrawal" in html


@pytest.mark.e2e
def test_the_handler_withdraws_published_information_in_the_browser(as_user, browser_page):
    case_id = decided_case(as_user)
    page = browser_page
    browser_session(page, "handler", then=f"/cases/{case_id}")
    page.click("#withdrawal-open")
    page.fill("#received_on", TODAY)
    page.fill("#document", FORM["document"])
    page.fill("#reason", FORM["reason"])
    page.locator("#withdrawal").evaluate("card => card.scrollIntoView({block: 'center'})")
    screenshot(page, "withdrawal_form")
    page.click("#withdrawal-submit")
    page.wait_for_url(re.compile(rf".*/cases/{case_id}$"))
    assert "已开启撤回" in page.inner_text("main .alert-success")
    assert page.locator("#open-tasks li", has_text="撤回已公示的决定信息").count() == 1
    assert page.js_errors == []
