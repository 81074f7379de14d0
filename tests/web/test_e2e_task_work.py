"""In Chromium, at 1366 px and on a 390 px phone: a reviewer types into a queued task, claims it and finds the
text still there, hands the task over to a colleague chosen from the eligible ones with a reason, and comments
on the case. Screenshots: tests/artifacts/screenshots/<test>-NN-task_claimed_keeps_text.png, ...task_hand_over.png,
...case_comments.png."""
import pytest

from ..factories import browser_session, screenshot

pytestmark = pytest.mark.e2e
NOTE = "送审材料基本齐全，听证笔录待核"


@pytest.mark.parametrize("browser_page", ["desktop", "phone"], indirect=True)
def test_claim_keeps_typed_text_then_hand_over_and_comment(browser_page, as_user):
    case_id = as_user("handler").submit()["id"]
    task = as_user("reviewer").open_task(case_id, "accept_submission")
    page = browser_page
    browser_session(page, "reviewer", then=f"/tasks/{task['id']}")
    note = page.locator('[name="root[note]"]')
    note.fill(NOTE)
    page.click("#claim-task")
    page.wait_for_selector("#draft-note")
    assert page.locator('[name="root[note]"]').input_value() == NOTE
    assert page.locator("#claim-task").count() == 0
    screenshot(page, "task_claimed_keeps_text")
    page.click("#task-work summary")
    assert "reviewer" not in page.locator("#hand-over-assignee option").all_inner_texts()  # not oneself
    page.select_option("#hand-over-assignee", "reviewer2")
    page.fill("#hand-over-reason", "本人出差，请代为审查")
    screenshot(page, "task_hand_over")
    page.click("#hand-over-task")
    page.wait_for_url("**/inbox")
    assert "已转交给reviewer2" in page.inner_text("body")
    assert as_user("reviewer2").open_task(case_id, "accept_submission")["assignee"]["full_name"] == "reviewer2"
    page.goto(f"/cases/{case_id}")
    page.fill("#comment-text", "已转交reviewer2办理")
    page.click("#comment-submit")
    page.wait_for_selector("#comment-list")
    assert "已转交reviewer2办理" in page.inner_text("#comment-list")
    assert "评论" in page.inner_text("#history")  # the text itself is in the entry's collapsed details
    screenshot(page, "case_comments", full_page=True)
    assert page.js_errors == []
