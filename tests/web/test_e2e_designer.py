"""流程设计 in chromium at 1366×768: a time limit in words is marked on its task, publishing asks for a change
note and a confirmation, the diff marks the changed elements and lists their properties. Console errors fail."""
import re

import pytest

from ..factories import browser_session, screenshot
from ..processes.overrides import default_bpmn, replace, upload

pytestmark = pytest.mark.e2e
REMINDER = ('<spiffworkflow:property name="reminderWorkingDays" '
            'value="time_limits[&quot;reminder_working_days&quot;]" />')


@pytest.fixture
def page(browser_page):
    """The designer logged in on a laptop-sized window; every console error is kept."""
    browser_page.set_viewport_size({"width": 1366, "height": 768})
    errors = browser_page.js_errors
    browser_page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    browser_session(browser_page, "designer", then=None)
    return browser_page


def open_editor(page):
    page.goto("/designer/editor")
    page.locator("#designer-canvas [data-element-id='review_case']").wait_for()
    page.locator("#validate-button:not([disabled])").wait_for()


def test_the_start_event_shows_beside_the_palette_and_a_time_limit_in_words_is_marked_on_its_task(page):
    open_editor(page)  # as it opens: the start event inside the canvas, right of the palette
    palette = page.locator("#designer-canvas .djs-palette").bounding_box()
    start = page.locator("#designer-canvas .djs-element[data-element-id='case_submitted']").bounding_box()
    canvas = page.locator("#designer-canvas").bounding_box()
    assert start["x"] > palette["x"] + palette["width"], (start, palette)
    assert canvas["y"] <= start["y"] and start["y"] + start["height"] <= canvas["y"] + canvas["height"]
    assert page.js_errors == []
    page.locator("#designer-canvas [data-element-id='review_case']").click()
    page.click("#tab-properties")
    assert "审核时限（工作日）" in page.inner_text("#designer-properties")  # Chinese names, codes beside them
    days = page.locator("#designer-properties input[data-property='deadlineWorkingDays']")
    days.fill("五个工作日")
    days.press("Tab")
    page.click("#validate-button")
    page.locator("#designer-problems").wait_for()
    text = page.inner_text("#designer-problems")
    assert "五个工作日" in text and "deadlineWorkingDays" in text
    assert page.locator("#designer-canvas .djs-element.designer-problem[data-element-id='review_case']").count() == 1
    assert page.locator("#designer-canvas .designer-problem-badge").count() == 1
    page.locator("#designer-canvas [data-element-id='case_submitted']").click()  # select something else, then the link
    page.click("#designer-problems a[data-element='review_case']")
    assert "review_case" in page.inner_text("#properties-of")
    screenshot(page, "designer_validate_marked")
    assert page.js_errors == []


def test_publishing_asks_for_a_note_and_confirmation(app, page):
    open_editor(page)
    field = page.locator("[name='root[time_limits][review_working_days]']")
    page.locator("[data-schemapath='root.time_limits.review_working_days'] .json-editor-opt-in").first.check()
    field.fill("7")
    field.dispatch_event("change")
    page.click("#publish-button")
    dialog = page.locator("#publish-dialog.show")
    dialog.wait_for()
    text = dialog.inner_text()
    assert "为市市场监督管理局发布新的流程版本" in text  # the agency it is published for
    assert "profile.json" in page.inner_text("#publish-changes")
    page.click("#publish-confirm")  # no note: refused in the dialog, nothing sent
    assert "is-invalid" in page.get_attribute("#publish-note", "class")
    page.fill("#publish-note", "审核时限改为 7 个工作日（省规定第十八条）")
    screenshot(page, "designer_publish_dialog")
    page.click("#publish-confirm")
    page.wait_for_url(re.compile(r".*/designer$"))
    note = page.inner_text("#versions-table tr[data-version='1'] .version-note")
    assert note == "审核时限改为 7 个工作日（省规定第十八条）"
    screenshot(page, "designer_versions_note")
    page.goto("/designer/editor")  # the profile form names the opinion codes in Chinese
    page.locator("[data-schemapath='root.opinion_vocabulary.approve']").scroll_into_view_if_needed()
    form = page.inner_text("#designer-profile")
    assert "审核通过（approve）" in form and "表单上显示的用语" in form and "行政处罚" in form
    screenshot(page, "designer_profile_labels")
    assert page.js_errors == []


def test_the_diff_marks_changed_elements_and_lists_their_properties(as_user, page):
    designer = as_user("designer")
    assert upload(designer, "city", {"legal_review.bpmn": default_bpmn()}).status_code == 201
    changed = replace(default_bpmn(), REMINDER, REMINDER.replace(
        'time_limits[&quot;reminder_working_days&quot;]', "2"))
    changed = replace(changed, 'name="公示执法决定"', 'name="公示行政执法决定"')
    assert upload(designer, "city", {"legal_review.bpmn": changed}).status_code == 201
    page.goto("/designer/diff?from=1&to=2")
    page.locator("body[data-diff-ready='1']").wait_for()
    for side in ("old", "new"):
        marked = page.locator(f"#diff-{side} .djs-element.diff-changed").evaluate_all(
            "nodes => nodes.map(node => node.getAttribute('data-element-id'))")
        assert {"accept_submission", "publish_decision"} <= set(marked), marked
    rows = page.locator("#diff-properties tbody tr").all_inner_texts()
    assert any("reminderWorkingDays" in row and "2" in row and "到期前提醒" in row for row in rows), rows
    assert any("公示执法决定" in row and "公示行政执法决定" in row for row in rows), rows
    assert not page.locator("#diff-files pre.diff").first.is_visible()  # the raw XML diff stays folded
    screenshot(page, "designer_diff_marked", full_page=True)
    assert page.js_errors == []
