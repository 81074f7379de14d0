"""In Chromium: the round-2 reviewer sees the previous opinion and the handler's reply, in Chinese, beside
the review checklist. Screenshot: tests/artifacts/screenshots/round2_review_with_reply.png."""
import pytest

from ..factories import browser_session, review, screenshot

pytestmark = pytest.mark.e2e
SUMMARY = "已按审核意见将罚款调整为十二万元，并补充裁量说明"


def test_the_round_two_reviewer_sees_the_reply_beside_the_checklist(browser_page, as_user):
    handler, reviewer = as_user("handler"), as_user("reviewer")
    case_id = handler.submit()["id"]
    reviewer.complete(case_id, "accept_submission", {"result": "accept"})
    reviewer.complete(case_id, "review_case", review("issues"))
    handler.complete(case_id, "respond_to_opinion", {"action": "correct", "correction_summary": SUMMARY,
                                                     "updated": {"fine_amount": 120000}})
    task = reviewer.open_task(case_id, "review_case")
    page = browser_page
    browser_session(page, task["assignee"]["full_name"], then=f"/tasks/{task['id']}")
    page.wait_for_selector("#checklist")
    exchange = page.locator("#previous-exchange")
    reply = exchange.locator(".handler-reply")
    assert reply.is_visible()
    assert "整改情况说明" in reply.inner_text() and SUMMARY in reply.inner_text()
    assert "按审核意见整改后重新送审" in reply.inner_text()
    assert "罚款数额超出裁量基准，建议调整" in exchange.inner_text()
    assert "上一轮审核意见与承办机构的答复" in exchange.inner_text()
    assert "correction_summary" not in exchange.inner_text() and "{" not in exchange.inner_text()
    checklist, side = page.locator("#checklist").bounding_box(), exchange.bounding_box()
    assert side["x"] >= checklist["x"] + checklist["width"] - 1  # beside the checklist, not below it
    assert side["y"] < checklist["y"] + checklist["height"]
    screenshot(page, "round2_review_with_reply")
    assert page.js_errors == []
