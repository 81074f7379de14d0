"""In Chromium: a one-time password forces 修改密码 before anything else; an administrator types the 2027
arrangement on 节假日安排, sees the warnings of a bad draft, loads a good one, and a case's archiving
deadline in 2027 gets its due date. Screenshots: tests/artifacts/."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from review_service.accounts.service import create_user
from review_service.agencies.models import Agency
from review_service.extensions import db

from ..factories import PASSWORD, browser_session, decision, review, screenshot, submission

pytestmark = pytest.mark.e2e
BEIJING = timezone(timedelta(hours=8))


def test_a_one_time_password_must_be_changed_first(browser_page, as_user):
    created = as_user("admin").post("/api/v1/users", json={"agency": "city", "username": "zhou.reviewer",
                                                            "full_name": "周审核", "roles": ["reviewer"]})
    secret = created.get_json()["one_time_password"]
    page = browser_page
    page.goto("/login")
    page.fill("#username", "zhou.reviewer")
    page.fill("#password", secret)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/password$"))
    assert page.locator("#password-forced").is_visible()
    page.goto("/cases")
    page.wait_for_url(re.compile(r".*/password$"))  # nothing else opens until the password is changed
    page.fill("#current_password", secret)
    page.fill("#new_password", "short")
    page.fill("#new_password_again", "short")
    page.click("#password-submit")
    assert "密码至少 12 个字符" in page.locator(".password-error").first.inner_text()
    screenshot(page, "accounts_forced_password_change")
    page.fill("#current_password", secret)
    page.fill("#new_password", "Zhou reviews 2026")
    page.fill("#new_password_again", "Zhou reviews 2026")
    page.click("#password-submit")
    page.wait_for_url(re.compile(r".*/inbox$"))
    assert "密码已修改" in page.inner_text("main")
    page.goto("/cases")
    assert page.url.endswith("/cases")
    assert page.js_errors == []


def _case_decided_on(as_user, day: str) -> int:
    """A case decided on `day` (Beijing): its archiving period (30 calendar days) reaches 2027."""
    with freeze_time(datetime.fromisoformat(day).replace(hour=10, tzinfo=BEIJING)):
        data = {k: v for k, v in submission(case_number="市监罚〔2026〕99号").items() if k != "filed_on"}
        case_id = as_user("handler").post("/api/v1/cases", json=data).get_json()["id"]
        as_user("reviewer").complete(case_id, "accept_submission", {"result": "accept"})
        as_user("reviewer").complete(case_id, "review_case", review("approve"))
        as_user("head").complete(case_id, "record_decision", decision(decided_on=day))
    return case_id


def _archiving(as_user, case_id: int) -> dict:
    [deadline] = [d for d in as_user("handler").case(case_id)["deadlines"] if d["kind"] == "archiving"]
    return deadline


def _type_arrangement(page, holidays: str, make_ups: str):
    page.fill("#year", "2027")
    page.fill("#notice", "国办发明电〔2026〕7号")
    page.fill("#notice_date", "2026-11-12")
    page.fill("#holidays", holidays)
    page.fill("#make_up_working_days", make_ups)


def test_the_administrator_enters_2027_and_a_2027_deadline_gets_its_due_date(app, browser_page, as_user):
    with app.app_context():
        province = db.session.scalar(select(Agency.id).where(Agency.code == "province"))
        create_user(agency_id=province, username="province.admin", full_name="省管理", password=PASSWORD,
                    roles=["admin"])
        db.session.commit()
    case_id = _case_decided_on(as_user, "2026-12-10")
    assert _archiving(as_user, case_id)["due_on"] is None  # 2027 is not known yet
    page = browser_page
    browser_session(page, "province.admin")
    page.click("#nav-calendar")
    page.wait_for_url(re.compile(r".*/admin/calendar$"))
    holidays = "元旦 2027-01-01 2027-01-03\n春节 2027-02-06 至 2027-02-13\n国庆节 2027-10-01 2027-10-07"
    _type_arrangement(page, holidays, "2027-01-04 2027-02-20 2027-02-21 2027-10-02")
    page.click("#calendar-preview")
    page.wait_for_selector("#calendar-warnings")
    codes = page.locator(".calendar-warning").evaluate_all("items => items.map(i => i.dataset.code)")
    assert set(codes) == {"make_up_not_weekend", "holiday_on_make_up", "long_working_stretch"}
    assert page.locator('#calendar-grid td[data-date="2027-02-20"]').get_attribute("data-working") == "1"
    screenshot(page, "calendar_bad_draft")
    page.click("#calendar-load")
    page.wait_for_selector("#calendar-refusal")
    assert _archiving(as_user, case_id)["due_on"] is None  # nothing loaded
    _type_arrangement(page, holidays, "2027-02-20")
    page.click("#calendar-preview")
    page.wait_for_selector("#calendar-grid")
    assert page.locator(".calendar-warning").count() == 0
    assert "2027 年载入后的日历" in page.inner_text("#calendar-grid-title")
    page.click("#calendar-load")
    page.wait_for_url(re.compile(r".*/admin/calendar$"))
    message = page.inner_text("main .alert-success")
    assert "2027 年节假日安排已载入（第 1 版）" in message and "重新计算了" in message
    assert int(re.search(r"重新计算了 (\d+) 个", message).group(1)) >= 1
    screenshot(page, "calendar_loaded", full_page=True)
    # decided 2026-12-10 + 30 calendar days = Sat 2027-01-09, moved to the next working day
    assert _archiving(as_user, case_id)["due_on"] == "2027-01-11"
    assert page.js_errors == []
