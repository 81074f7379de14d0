"""The supervisor dashboard in Chromium at 1366×768: a click on a figure (the overdue count, an agency's part
of a stage bar, a count in a chart's table) lands on the case list showing exactly the cases behind it.
Any console error fails."""
import re

import pytest

from ..dashboard import scenario
from ..factories import browser_session, screenshot, short_of_reviewers

pytestmark = pytest.mark.e2e
CHARTS = ("chart-stages", "chart-times", "chart-staffing")


def watch_console(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(f"{message.text} {message.location}")
            if message.type == "error" else None)
    return errors


def listed_cases(page) -> set[int]:
    page.wait_for_selector("#case-count")
    return {int(row.get_attribute("data-case-id")) for row in page.locator("#case-table tbody tr").all()}


def open_dashboard(page) -> None:
    page.goto("/dashboard")
    for chart in CHARTS:
        page.wait_for_selector(f"#{chart}[data-chart-ready='1'] canvas")
    # ECharts' opening animation over (a screenshot or a click wants the bars drawn): no animation left to run
    page.wait_for_function("""ids => ids.every(id => {
        const chart = echarts.getInstanceByDom(document.getElementById(id));
        return chart && chart.getZr().animation.isFinished(); })""", arg=list(CHARTS))


def click_bar(page, chart_id: str, series: int, index: int) -> None:
    """Click the middle of one series' part of a stacked bar (its pixel position asked of ECharts)."""
    x, y = page.evaluate("""([id, series, index]) => {
        const chart = echarts.getInstanceByDom(document.getElementById(id));
        const option = chart.getOption();
        const below = option.series.slice(0, series).reduce((sum, s) => sum + (Number(s.data[index]) || 0), 0);
        const value = Number(option.series[series].data[index]);
        return chart.convertToPixel({ seriesIndex: series }, [index, below + value / 2]);
    }""", [chart_id, series, index])
    box = page.locator(f"#{chart_id}").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_dashboard_figures_lead_to_exactly_their_cases(browser_page, as_user):
    page, console = browser_page, watch_console(browser_page)
    page.set_viewport_size({"width": 1366, "height": 768})
    cases = scenario.build(as_user)  # by today (2026-11-02) A, B and C are overdue; D waits for its decision
    browser_session(page, "supervisor", then=None)
    open_dashboard(page)
    assert page.inner_text("#overdue-count") == "3"
    page.click("#overdue-count a")
    page.wait_for_url(re.compile(r".*/cases\?due_before=2026-11-02&under=province$"))
    assert listed_cases(page) == {cases["a"], cases["b"], cases["c"]}
    assert "2026年11月2日" in page.inner_text("#filter-due-before")
    screenshot(page, "case_list_from_overdue_count")

    open_dashboard(page)
    stages = page.evaluate("JSON.parse(document.getElementById('dashboard-data').textContent).stages")
    assert stages["statuses"][0] == "awaiting_acceptance" and stages["series"][0]["code"] == "city"
    page.locator("#chart-stages").scroll_into_view_if_needed()
    click_bar(page, "chart-stages", 0, 0)  # the city's part of the 待受理 bar
    page.wait_for_url(re.compile(r".*/cases\?status=awaiting_acceptance&agency=city$"))
    assert listed_cases(page) == {cases["b"]}
    assert page.locator("#agency option[selected]").inner_text() == "市市场监督管理局"
    screenshot(page, "case_list_from_stage_bar")

    open_dashboard(page)
    page.click("#stages-details summary")  # the chart's table: the same figures, with the same links
    page.locator("#stages-details").scroll_into_view_if_needed()
    screenshot(page, "dashboard_chart_tables")
    page.click('#stages-table tr[data-status="awaiting_acceptance"] td:last-child a')
    page.wait_for_url(re.compile(r".*/cases\?status=awaiting_acceptance&under=province$"))
    assert listed_cases(page) == {cases["b"], cases["c"]}
    assert console == [] and page.js_errors == []


def test_the_staffing_legend_has_the_bars_colours(app, browser_page, as_user):
    page, console = browser_page, watch_console(browser_page)
    page.set_viewport_size({"width": 1366, "height": 768})
    scenario.build(as_user)
    short_of_reviewers(app, "other")
    browser_session(page, "supervisor", then=None)
    open_dashboard(page)
    series = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('chart-staffing'))
        .getOption().series.map(s => [s.name, s.itemStyle.color, s.data.map(v => v === '-' ? null : v)])""")
    assert [(name, colour) for name, colour, _ in series] == [
        ("应配审核人员", "#adb5bd"), ("法制审核人员（达标）", "#198754"), ("法制审核人员（不足）", "#dc3545")]
    short = series[2][2]
    assert [value is not None for value in short] == [False, False, True]  # only the other agency is short
    assert all(isinstance(point, int) for point in short if point is not None)  # no per-bar colour override
    page.locator("#chart-staffing").scroll_into_view_if_needed()
    screenshot(page, "dashboard_staffing_legend")
    assert console == [] and page.js_errors == []
