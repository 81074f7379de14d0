"""In Chromium: an empty submission is refused with each error listed once in Chinese, each linking to its
field; no message before that; the case list found by the party's name. Any console error fails the test."""
import re

import pytest

from ..factories import browser_session, screenshot, three_cases

pytestmark = pytest.mark.e2e


def watch_console(page) -> list[str]:
    """Console errors, except chromium's note on the refused form's own 422 answer (the page itself)."""
    errors, failed = [], []
    page.on("response", lambda response: failed.append((response.status, response.url))
            if response.status >= 400 and response.request.resource_type != "document" else None)
    page.on("console", lambda message: errors.append(f"{message.text} {message.location}")
            if message.type == "error" and not ("status of 422" in message.text and not failed) else None)
    page.failed_responses = failed
    return errors


def test_empty_submission_errors_once_in_chinese_with_links(browser_page):
    page, console = browser_page, watch_console(browser_page)
    browser_session(page, "handler", then="/cases/new")
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
    browser_session(page, "handler", then="/cases")
    page.fill("#q", "餐饮店")
    page.click("#case-search-submit")
    page.wait_for_url(re.compile(r".*q=.*"))
    assert page.locator("#case-table tbody tr").count() == 1
    assert page.locator(f'#case-table tr[data-case-id="{ids[3]}"] .case-party').inner_text() == "李四餐饮店"
    screenshot(page, "case_list_search")
    assert not page.js_errors and not console, (page.js_errors, console, page.failed_responses)


def test_after_a_refusal_a_kept_upload_and_an_empty_date_show_no_false_message(browser_page, tmp_path):
    page, console = browser_page, watch_console(browser_page)
    browser_session(page, "handler", then="/cases/new")
    page.wait_for_selector('#form-editor[data-ready="true"]')
    hearing = page.locator('[name="root[hearing_held]"] option').all_inner_texts()
    assert "true" not in hearing and "是" in hearing and "否" in hearing
    page.fill('[name="root[case_number]"]', "市监罚〔2026〕90号")
    page.fill('[name="root[materials][0][name]"]', "调查终结报告")
    report = tmp_path / "调查终结报告.txt"
    report.write_text("经调查，当事人销售不合格产品。", encoding="utf-8")
    attachments = page.locator('[data-schemapath="root.materials.0.attachment_ids"]')
    attachments.locator("button.json-editor-btntype-add").first.click()
    attachments.locator('input[type="file"]').set_input_files(str(report))
    page.wait_for_selector(".uploaded-file")
    assert "Name:" not in page.inner_text("main") and "Size:" not in page.inner_text("main")
    page.click("#form-submit")  # refused: no title
    page.wait_for_selector("#form-error-list")
    page.wait_for_selector('#form-editor[data-ready="true"]')
    main = page.inner_text("main")
    shown = page.locator('[data-schemapath="root.materials.0.attachment_ids"] input[readonly]').evaluate_all(
        "inputs => inputs.map(input => input.value)")
    assert "No file selected" not in main and shown and all(v.startswith("已上传的附件") for v in shown), shown
    filed_on = page.locator('[data-schemapath="root.filed_on"]')
    assert filed_on.locator(".invalid-feedback:visible").count() == 0  # an empty optional date is no error
    assert page.locator('[data-schemapath="root.title"] .invalid-feedback:visible').count() == 1
    screenshot(page, "case_new_refused_with_upload", full_page=True)
    assert not page.js_errors and not console, (page.js_errors, console, page.failed_responses)
