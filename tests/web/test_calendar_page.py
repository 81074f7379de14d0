"""节假日安排: typed from the notice, checked (warnings, month grid), loaded; the API does the same."""
import io
import json
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from review_service.accounts.service import create_user
from review_service.agencies.models import Agency
from review_service.extensions import db
from review_service.workdays.models import CalendarArrangement

from ..factories import PASSWORD, ApiClient

EXAMPLE = Path(__file__).parents[2] / "review_service" / "workdays" / "examples" / "2027-example.json"
GOOD = {"year": "2027", "notice": "国办发明电〔2026〕7号", "notice_date": "2026-11-12",
        "holidays": "元旦 2027-01-01 2027-01-03\n春节 2027-02-06 至 2027-02-13", "make_up_working_days": ""}
BAD = {**GOOD, "holidays": GOOD["holidays"] + "\n国庆节 2027-10-01 2027-10-07",
       "make_up_working_days": "2027-01-04, 2027-02-20 2027-02-21\n2027-10-02"}


@pytest.fixture
def province_admin(app):
    with app.app_context():
        province = db.session.scalar(select(Agency.id).where(Agency.code == "province"))
        create_user(agency_id=province, username="province.admin", full_name="省管理", password=PASSWORD,
                    roles=["admin"])
        db.session.commit()
    return "province.admin"


def arrangements(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(CalendarArrangement.id)))


def test_preview_shows_the_warnings_and_the_month_grid(page_as, province_admin):
    page = page_as(province_admin)
    html = page.post("/admin/calendar", data={**BAD, "action": "preview"}).get_data(as_text=True)
    assert "2027-01-04 不是星期六或星期日" in html
    assert "2027-10-02 同时被列为放假日和调休上班日" in html
    assert "2027-02-15 至 2027-02-26 连续工作 12 天" in html
    assert 'data-date="2027-02-20" data-working="1"' in html and 'data-date="2027-02-08" data-working="0"' in html
    assert html.count("data-month=") == 12


def test_load_refuses_bad_drafts_and_loads_a_good_one(app, page_as, province_admin):
    page = page_as(province_admin)
    refused = page.post("/admin/calendar", data={**BAD, "action": "load"})
    assert refused.status_code == 422 and "节假日安排文件不合法" in refused.get_data(as_text=True)
    stretch = {**GOOD, "make_up_working_days": "2027-02-20 2027-02-21", "action": "load"}
    warned = page.post("/admin/calendar", data=stretch)
    assert warned.status_code == 422 and "请明确接受警告" in warned.get_data(as_text=True)
    unreadable = page.post("/admin/calendar", data={**GOOD, "holidays": "元旦 2027/01/01", "action": "load"})
    assert unreadable.status_code == 422 and "放假安排第 1 行" in unreadable.get_data(as_text=True)
    assert arrangements(app) == 0
    loaded = page.post("/admin/calendar", data={**GOOD, "action": "load"})
    assert loaded.status_code == 302
    html = page.get("/admin/calendar").get_data(as_text=True)
    assert "2027 年节假日安排已载入（第 1 版）：365 天的类别改变，重新计算了 0 个未完成的期限。" in html
    assert "国办发明电〔2026〕7号 (2026-11-12)" in html
    accepted = page.post("/admin/calendar", data={**stretch, "accept_warnings": "1"})
    assert accepted.status_code == 302 and arrangements(app) == 2


def test_the_example_file_is_refused_unless_allowed(app, page_as, province_admin):
    page = page_as(province_admin)
    uploaded = page.post("/admin/calendar", data={"file": (io.BytesIO(EXAMPLE.read_bytes()), "2027-example.json")},
                         content_type="multipart/form-data")
    form = uploaded.get_data(as_text=True)
    assert uploaded.status_code == 200 and "虚构示例" in form and 'name="example" value="1"' in form
    typed = {"year": "2027", "notice": "示例", "holidays": "元旦 2027-01-01 2027-01-03", "example": "1",
             "action": "load"}
    refused = page.post("/admin/calendar", data=typed)
    assert refused.status_code == 422 and "example_arrangement" not in refused.get_data(as_text=True)
    assert "虚构的示例安排" in refused.get_data(as_text=True) and arrangements(app) == 0
    assert page.post("/admin/calendar", data={**typed, "allow_example": "1"}).status_code == 302
    years = page.get("/admin/calendar").get_data(as_text=True)
    assert "虚构示例" in years


def test_only_an_administrator_of_a_top_level_agency_loads(page_as, province_admin):
    assert page_as("handler").get("/admin/calendar").status_code == 403
    city_admin = page_as("admin")
    page = city_admin.get("/admin/calendar").get_data(as_text=True)
    assert "由最上级机关的系统管理员载入" in page and 'id="calendar-form"' not in page
    answer = city_admin.post("/admin/calendar", data={**GOOD, "action": "load"})
    assert answer.status_code == 403 and "最上级机关" in answer.get_data(as_text=True)


def test_api_preview_and_load(app, client, province_admin, as_user):
    admin = ApiClient.logged_in(client, province_admin, PASSWORD)
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    preview = admin.post("/api/v1/calendar/arrangements/preview", json=document).get_json()
    assert preview["example"] is True and preview["errors"] == {}
    assert [w["code"] for w in preview["warnings"]] == ["long_working_stretch"]
    assert len(preview["working_days"]) == 365 - 104 - 22 + 5  # weekends, holidays on weekdays, make-up days
    refused = admin.post("/api/v1/calendar/arrangements", json=document)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "example_arrangement"
    warned = admin.post("/api/v1/calendar/arrangements?example=true", json=document)
    assert warned.get_json()["error"]["code"] == "arrangement_warnings"
    bad = admin.post("/api/v1/calendar/arrangements", json={"year": 2027, "holidays": []})
    assert bad.status_code == 422 and {"notice", "holidays"} <= set(bad.get_json()["error"]["fields"])
    assert arrangements(app) == 0
    loaded = admin.post("/api/v1/calendar/arrangements?example=true&accept_warnings=true", json=document)
    assert loaded.status_code == 201, loaded.get_json()
    assert loaded.get_json() | {"warnings": None} == {"year": 2027, "revision": 1, "changed_days": 365,
                                                       "deadlines_recomputed": 0, "warnings": None}
    city = as_user("admin").post("/api/v1/calendar/arrangements", json=document)
    assert city.status_code == 403 and city.get_json()["error"]["code"] == "calendar_admin_required"


def test_the_dashboard_warns_supervisors_from_october_while_next_year_is_missing(page_as, province_admin):
    with freeze_time("2026-10-01 02:00:00"):
        assert "2027" in page_as("supervisor").get("/dashboard").get_data(as_text=True).split("尚未载入")[0][-200:]
    page_as(province_admin).post("/admin/calendar", data={**GOOD, "action": "load"})
    with freeze_time("2026-10-01 02:00:00"):
        assert "尚未载入" not in page_as("supervisor").get("/dashboard").get_data(as_text=True)


JUNK = [{"year": "abc", "action": "preview"}, {"year": "", "action": "load"}, {"year": "99999", "action": "preview"},
        {"year": "2027", "holidays": "x", "make_up_working_days": "2027-02-30", "action": "preview"},
        {"year": "2027", "holidays": "元旦 2027-02-30 2027-03-01", "action": "load"},
        {"year": "2027", "notice": "n", "holidays": "元旦 2027-01-01 2026-01-01", "action": "preview"},
        {"year": "2027", "notice": "n" * 300, "holidays": "元旦 2027-01-01", "notice_date": "zz", "action": "load"},
        {"action": "load"}]
JUNK_FILES = [b"\xff\xfe", b"[1,2]", b'{"year": 2027, "holidays": 5, "make_up_working_days": "x"}']


def test_bad_input_is_a_readable_page_and_changes_nothing(app, page_as, province_admin):
    page = page_as(province_admin)
    for form in JUNK:
        assert page.post("/admin/calendar", data=form).status_code in (200, 422), form
    for content in JUNK_FILES:
        answer = page.post("/admin/calendar", data={"file": (io.BytesIO(content), "x.json")},
                           content_type="multipart/form-data")
        assert answer.status_code in (200, 422) and "calendar-form" in answer.get_data(as_text=True), content
    for body in ([], {"year": "x"}, {"year": 2027, "notice": "n", "make_up_working_days": ["x"],
                                     "holidays": [{"name": "a", "from": "2027-01-01", "to": "2027-01-01"}]}):
        admin = ApiClient.logged_in(app.test_client(), province_admin, PASSWORD)
        for path in ("/api/v1/calendar/arrangements/preview", "/api/v1/calendar/arrangements"):
            assert admin.post(path, json=body).status_code in (200, 422), (path, body)
    assert arrangements(app) == 0
