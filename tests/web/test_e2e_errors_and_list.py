"""In Chromium: an empty submission is refused with each error listed once in Chinese, each linking to its
field; no message before that; the case list found by the party's name. Any console error fails the test."""
import re

import pytest

from ..factories import browser_login, screenshot, three_cases

pytestmark = pytest.mark.e2e


def watch_console(page) -> list[str]:
    """Console errors, except chromium's note on the refused form's own 422 answer (the page itself)."""
    errors, failed = [], []
    page.on("response", lambda response: failed.append((response.status, response.url))
            if response.status >= 400 and response.request.resource_type != "document" else None)
    page.on("console", lambda message: errors.append(f"{message.text} {message.location}") if message.type == "error" and not (
        "status of 422" in message.text and not failed) else None)
    page.failed_responses = failed
    return errors


def test_empty_submission_errors_once_in_chinese_with_links(browser_page):
    page, console = browser_page, watch_console(browser_page)
    browser_login(page, "handler")
    page.goto("/cases/new")
    page.wait_for_selector('#form-editor[data-ready="true"]')
    assert page.locator(".invalid-feedback:visible, .alert-danger:visible").count() == 0  # nothing before a submit
    screenshot(page, "case_new_blank")
    page.click("#form-submit")
    page.wait_for_selector("#form-error-list")
    page.wait_for_selector('#form-editor[data-ready="true"]')
    items = page.locator("#form-error-list li").all_inner_texts()
    titles = [item.split("：", 1)[0] for item in items]
    assert titles and len(titles) == len(set(titles))  # each once
    assert "案件名称" in titles and "案件编号" in titles
    assert not any(re.search(r"[a-z_]+\.\d|root\.|^[a-z_]+$", title) for title in titles)  # no raw paths
    assert page.locator("#form-error-list").inner_text().count("案件名称") == 1
    assert "No file selected" not in page.inner_text("main") and "filed_on" not in page.inner_text("main")
    page.locator("#form-error-list a", has_text="案件名称").click()
    assert page.evaluate("document.activeElement.name") == "root[title]"
    screenshot(page, "case_new_refused", full_page=True)
    assert not page.js_errors and not console, (page.js_errors, console, page.failed_responses)


def test_case_list_search_by_party(browser_page, as_user, frozen_clock):
    ids = three_cases(as_user, frozen_clock)
    page, console = browser_page, watch_console(browser_page)
    browser_login(page, "handler")
    page.goto("/cases")
    page.fill("#q", "餐饮店")
    page.click("#case-search-submit")
    page.wait_for_url(re.compile(r".*q=.*"))
    assert page.locator("#case-table tbody tr").count() == 1
    assert page.locator(f'#case-table tr[data-case-id="{ids[3]}"] .case-party').inner_text() == "李四餐饮店"
    screenshot(page, "case_list_search")
    assert not page.js_errors and not console, (page.js_errors, console, page.failed_responses)
