"""The supervisor dashboard page: Chinese by default, overdue deadlines in red, charts drawn by ECharts."""
import json
import re

import pytest
from freezegun import freeze_time

from ..dashboard import scenario
from ..dashboard.scenario import TODAY
from ..factories import beijing, browser_session, screenshot, short_of_reviewers


@pytest.fixture(autouse=True)
def long_lived_tokens(app):
    app.config["TOKEN_TTL_HOURS"] = 24 * 365 * 3


@pytest.fixture
def cases(as_user):
    return scenario.build(as_user)


def dashboard_html(page_as, username: str, path: str = "/dashboard") -> tuple[int, str]:
    with freeze_time(beijing(TODAY)):
        response = page_as(username).get(path)
    return response.status_code, response.get_data(as_text=True)


def test_the_dashboard_is_chinese_and_shows_an_overdue_case_in_red(page_as, cases):
    status, html = dashboard_html(page_as, "supervisor")
    assert status == 200
    assert "监督看板" in html and "超期未办" in html and "各环节案件数" in html and "2026年10月16日" in html
    overdue = re.search(r'<table[^>]*id="overdue-table".*?</table>', html, re.S).group(0)
    row = re.search(rf'<tr class="table-danger overdue" data-case-id="{cases["a"]}">.*?</tr>', overdue, re.S).group(0)
    assert f'href="/cases/{cases["a"]}"' in row and "甲公司超期案" in row
    assert "2026年10月13日" in row and "3 个工作日" in row and cases["a_holder"] in row and "法制审核期限" in row
    upcoming = re.search(r'<table[^>]*id="upcoming-table".*?</table>', html, re.S).group(0)
    assert "table-danger" not in upcoming and "乙公司待受理案" in upcoming and "共享待领" in upcoming
    assert "法制审核人员" in upcoming  # the role that takes it from the shared queue
    assert "丙公司排污案" in upcoming  # the other agency is below the province


def test_the_chart_data_is_embedded_as_json(page_as, cases):
    _, html = dashboard_html(page_as, "supervisor")
    data = json.loads(re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>',
                                html, re.S).group(1))
    assert data["locale"] == "ZH"
    assert data["stages"]["categories"] == ["待受理", "审核中", "审核通过，待作出决定"]
    assert {s["name"]: s["data"] for s in data["stages"]["series"]} == {"市市场监督管理局": [1, 1, 1],
                                                                         "市生态环境局": [1, 0, 0]}
    # hours from opening to completion: A's acceptance 221 h, D's 7 h (same day: 0 working days), D's review 43 h
    assert data["times"]["average"] == [114.0, 43.0] and data["times"]["max"] == [221.0, 43.0]
    assert data["times"]["working_days"] == [1.0, 2.0] and data["times"]["tasks"] == [2, 1]
    assert data["stages"]["statuses"] == ["awaiting_acceptance", "under_review", "review_passed"]
    assert [s["code"] for s in data["stages"]["series"]] == ["city", "other"] and data["case_list"] == "/cases"
    assert data["staffing"]["required"] == [0, 2, 1] and data["staffing"]["compliant"] == [True, True, True]
    assert 'src="/static/vendor/echarts/echarts.min.js"' in html


def test_same_day_work_is_not_zero(as_user, page_as):
    with freeze_time(beijing("2026-10-15", 9)):
        case = scenario.submit_unfiled(as_user("handler"), "市监罚〔2026〕120号", "己公司当日受理案")
    with freeze_time(beijing("2026-10-15", 10)):
        as_user("reviewer").complete(case, "accept_submission", {"result": "accept"})
    _, html = dashboard_html(page_as, "head")
    data = json.loads(re.search(r'id="dashboard-data">(.*?)</script>', html, re.S).group(1))
    assert data["times"]["average"] == [1.0] and data["times"]["working_days"] == [0.0]  # hours; days round to 0
    row = re.search(r'<tr data-kind="acceptance">.*?</tr>', html, re.S).group(0)
    assert re.findall(r'<td class="text-end">([^<]*)</td>', row) == ["1", "1.0", "1.0", "0.0", "0"]


def test_every_figure_leads_to_its_cases_and_every_chart_has_a_table(page_as, cases):
    _, html = dashboard_html(page_as, "supervisor")
    assert 'href="/cases?due_before=2026-10-16&amp;under=province"' in html  # the overdue count
    assert 'href="/cases?under=province"' in html  # the case count
    stages = re.search(r'<details id="stages-details">.*?</details>', html, re.S).group(0)
    assert '<a href="/cases?status=under_review&amp;agency=city" data-agency="city">1</a>' in stages
    assert '<a href="/cases?status=awaiting_acceptance&amp;under=province">2</a>' in stages
    assert '<details id="times-details">' in html and 'id="staffing-table"' in html
    # the list behind a figure holds exactly the cases the figure counts
    with freeze_time(beijing(TODAY)):
        supervisor = page_as("supervisor")
        overdue = supervisor.get("/cases?due_before=2026-10-16&under=province").get_data(as_text=True)
        waiting = supervisor.get("/cases?status=awaiting_acceptance&agency=city").get_data(as_text=True)
    assert re.findall(r'<tr data-case-id="(\d+)"', overdue) == [str(cases["a"])]
    assert re.findall(r'<tr data-case-id="(\d+)"', waiting) == [str(cases["b"])]
    assert 'id="filter-due-before"' in overdue and "2026年10月16日" in overdue


def test_a_staffing_shortfall_is_highlighted(app, page_as, cases):
    short_of_reviewers(app, "other")
    _, html = dashboard_html(page_as, "supervisor")
    row = re.search(r'<tr class="table-warning shortfall" data-agency="other">.*?</tr>', html, re.S).group(0)
    assert "缺 1 人" in row
    assert 'data-agency="city"' in html and '<tr class="" data-agency="city">' in html


def test_long_lists_say_how_many_are_listed(page_as, cases):
    _, html = dashboard_html(page_as, "supervisor", "/dashboard?limit=1")
    upcoming = re.search(r'<table[^>]*id="upcoming-table".*?</table>', html, re.S).group(0)
    assert upcoming.count("<tr class") == 1 and "共 2 项，按到期日先后列出前 1 项。" in html
    assert re.search(r'id="upcoming-count">2<', html)


def test_a_missing_calendar_year_is_announced(page_as, cases):
    _, html = dashboard_html(page_as, "supervisor")  # 10-16 + 120 days reaches 2027, which has no data
    banner = re.search(r'<div class="alert alert-warning" id="calendar-gap".*?</div>', html, re.S).group(0)
    assert "2027 年的节假日安排尚未载入" in banner
    with freeze_time(beijing("2026-06-01")):
        assert 'id="calendar-gap"' not in page_as("supervisor").get("/dashboard").get_data(as_text=True)


def test_a_city_head_sees_the_city_only(page_as, cases):
    status, html = dashboard_html(page_as, "head")
    assert status == 200
    assert "甲公司超期案" in html and "丙公司排污案" not in html and "市生态环境局" not in html
    assert 'id="agency"' not in html  # one agency: nothing to choose


def test_a_supervisor_narrows_the_dashboard_to_one_agency(page_as, cases):
    _, html = dashboard_html(page_as, "supervisor", "/dashboard?agency=other&within_working_days=1&period_days=30")
    assert "丙公司排污案" in html and "甲公司超期案" not in html
    assert '<option value="other" selected>' in html and '<option value="30" selected>' in html


def test_an_empty_dashboard_says_so(page_as):
    status, html = dashboard_html(page_as, "head")
    assert status == 200 and "没有超期未办的事项。" in html and "近期没有即将到期的事项。" in html
    data = json.loads(re.search(r'id="dashboard-data">(.*?)</script>', html, re.S).group(1))
    assert data["stages"]["categories"] == [] and data["times"]["categories"] == [] and data["empty"] == "暂无数据"


def test_a_handler_may_not_open_the_dashboard(page_as):
    status, html = dashboard_html(page_as, "handler")
    assert status == 403 and "监督看板" not in html.split("</nav>")[1]


def test_an_invalid_period_is_a_readable_error(page_as):
    status, html = dashboard_html(page_as, "supervisor", "/dashboard?period_days=abc")
    assert status == 422 and "输入不合法" in html


def test_english_is_available(page_as, cases):
    with freeze_time(beijing(TODAY)):
        supervisor = page_as("supervisor")
        supervisor.post("/language", data={"lang": "en", "next": "/dashboard"})
        html = supervisor.get("/dashboard").get_data(as_text=True)
    assert "Overdue deadlines" in html and "October 16, 2026" in html and "超期未办" not in html
    assert '"locale": "EN"' in html


@pytest.mark.e2e
def test_the_dashboard_in_the_browser(app, browser_page, as_user):
    scenario.build(as_user)  # nested frozen clocks; the live server's clock (2026-11-02) resumes after
    with freeze_time(beijing("2026-10-28")):  # due Wed 11-04: two working days left on Mon 11-02
        scenario.submit_unfiled(as_user("handler"), "市监罚〔2026〕110号", "戊公司即将到期案")
    short_of_reviewers(app, "other")
    browser_session(browser_page, "supervisor")
    browser_page.click("nav >> text=监督看板")
    browser_page.wait_for_url(re.compile(r".*/dashboard$"))
    assert "监督看板" in browser_page.inner_text("h1")
    for chart in ("chart-stages", "chart-times", "chart-staffing"):
        browser_page.wait_for_selector(f"#{chart}[data-chart-ready='1'] canvas")
    assert browser_page.locator("#overdue-table tr.table-danger").count() == 3  # A, B and C by 11-02
    cell = browser_page.locator("#overdue-table tr.table-danger td").first
    assert cell.evaluate("td => getComputedStyle(td).backgroundColor") not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    assert "戊公司即将到期案" in browser_page.inner_text("#upcoming-table")
    assert "缺 1 人" in browser_page.inner_text("#staffing-table tr.shortfall")
    screenshot(browser_page, "dashboard")
    assert browser_page.js_errors == []
