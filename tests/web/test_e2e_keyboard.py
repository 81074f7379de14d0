"""Keyboard only, in Chromium: the reviewer skips the navigation with the skip link, tabs to the queued review
in the inbox, claims it, gives every checklist point its verdict, writes the opinion and submits it, never
touching the mouse. The navigation marks the current page (aria-current). Screenshots: tests/artifacts/."""
import re

import pytest

from ..factories import browser_session, screenshot, under_review

pytestmark = pytest.mark.e2e
OPINION = "事实清楚，证据确凿，适用依据正确，程序合法，同意。"


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), id: e.id, name: e.name || '', type: e.type || '', value: e.value || '',
                checked: !!e.checked, text: (e.innerText || '').trim(), href: e.getAttribute('href') || ''}; }""")


def tab_to(page, wanted, limit: int = 60) -> dict:
    """Press Tab until the focused element satisfies `wanted`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if wanted(element):
            return element
    raise AssertionError(f"Tab never reached the element; last focused: {element}")


def answer_by_keyboard(page, element: dict) -> bool:
    """Act on the focused control of the review form; True once the opinion is submitted."""
    if element["type"] == "radio" and element["name"].endswith(".verdict") and not element["checked"]:
        page.keyboard.press("Space")  # the group's first choice: 符合 (pass)
    elif element["type"] == "radio" and element["name"] == "opinion":
        while focused(page)["value"] != "approve":
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Space")
    elif element["id"] == "opinion_text":
        page.keyboard.type(OPINION)
    elif element["id"] == "form-submit":
        page.keyboard.press("Enter")
        return True
    return False


def test_a_review_is_claimed_filled_and_submitted_with_the_keyboard_only(browser_page, as_user):
    case_id = under_review(as_user)
    holder = as_user("handler").case(case_id)["open_tasks"][0]["assignee"]["full_name"]
    task = as_user(holder).open_task(case_id, "review_case")
    assert as_user(holder).post(f"/api/v1/tasks/{task['id']}/unclaim").status_code == 200
    page = browser_page
    browser_session(page, holder)
    assert page.locator('nav [aria-current="page"]').inner_text() == "待办"
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["text"] == "跳到主要内容" and page.locator(".skip-link").is_visible()
    screenshot(page, "skip_link")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"  # past the navigation
    tab_to(page, lambda e: e["href"].endswith(f"/tasks/{task['id']}"))
    page.keyboard.press("Enter")
    page.wait_for_selector("#claim-task")
    tab_to(page, lambda e: e["id"] == "claim-task")
    page.keyboard.press("Enter")
    page.wait_for_selector("#claim-bar", state="detached")
    for _ in range(120):
        page.keyboard.press("Tab")
        if answer_by_keyboard(page, focused(page)):
            break
    page.wait_for_url(re.compile(rf".*/cases/{case_id}$"))
    assert page.inner_text("#case-status").strip() == "审核通过，待作出决定"
    assert page.locator('nav [aria-current="page"]').inner_text() == "案件"
    screenshot(page, "review_submitted_by_keyboard")
    case = as_user("handler").case(case_id)
    assert case["opinions"][-1]["opinion"] == "approve" and case["opinions"][-1]["text"] == OPINION
