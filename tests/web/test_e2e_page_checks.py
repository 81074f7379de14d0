"""The browser-test harness itself (page_checks.py): untranslated English, a console error, an unlabelled form
control and, on a phone, horizontal scrolling are each reported for a page that has them; a clean Chinese page
reports nothing."""
import pytest

pytestmark = pytest.mark.e2e


def serve(page, body: str):
    """Open a page with this body on the live server's origin (the harness's script runs in it as in any page)."""
    html = ('<!doctype html><html lang="zh-CN"><head>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'</head><body>{body}</body></html>')
    page.route("**/harness-probe", lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto("/harness-probe")
    page.evaluate("window.__pageCheck('probe')")


def taken(page) -> list[str]:
    """The findings so far, cleared: this test expects them and must not fail for them (the probe page is left,
    or the end-of-test check would find them again)."""
    page.goto("about:blank")
    found, page.checks.problems[:] = list(page.checks.problems), []
    return found


@pytest.mark.parametrize("browser_page", ["phone"], indirect=True)
def test_each_kind_of_problem_is_reported(browser_page):
    page = browser_page
    serve(page, '<p>转交 Hand over 给同事；PDF 文件 ID 123，reviewer2 办理</p>'
                '<div style="width:900px">很宽的表格</div><button id="x">x</button><input name="nameless">'
                '<label for="named">有名</label><input id="named"><input aria-label="有名">')
    page.evaluate("console.error('boom')")
    page.wait_for_timeout(100)
    found = taken(page)
    assert any("untranslated English" in p and "'Hand over'" in p for p in found), found
    assert not any("'PDF'" in p or "'ID'" in p or "reviewer2" in p for p in found), found
    assert any(p.startswith("horizontal scrolling on /harness-probe") and "div" in p for p in found), found
    assert any("console error: boom" in p for p in found), found
    assert [p for p in found if "without a label" in p] == [
        'form control without a label on /harness-probe: input[name="nameless"]'], found


def test_a_clean_chinese_page_reports_nothing(browser_page):
    page = browser_page
    serve(page, '<p>转交给同事；PDF 文件</p><div style="width:900px">宽屏可以</div>')  # 1366 px: no phone check
    page.wait_for_timeout(100)
    assert page.checks.problems == []
