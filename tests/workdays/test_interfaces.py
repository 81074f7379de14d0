"""`flask review calendar ...` and /api/v1/calendar."""
import json
from datetime import date

from sqlalchemy import func, select

from review_service.extensions import db
from review_service.workdays.models import CalendarAdjustment, CalendarArrangement
from review_service.workdays.service import is_working_day

from ..factories import WORKDAYS_EXAMPLE as EXAMPLE


def test_cli_due_dates(runner):
    assert runner.invoke(args=["review", "calendar", "due", "--start", "2026-04-30", "--working-days", "5"]
                         ).output == "2026-05-11\n"
    assert runner.invoke(args=["review", "calendar", "due", "--start", "2026-09-03", "--calendar-days", "30"]
                         ).output == "2026-10-08\n"
    both = runner.invoke(args=["review", "calendar", "due", "--start", "2026-09-03", "--calendar-days", "3",
                               "--working-days", "3"])
    assert both.exit_code != 0


def test_cli_missing_year_then_load_then_compute(runner, tmp_path, doc_2027):
    missing = runner.invoke(args=["review", "calendar", "due", "--start", "2026-12-24", "--working-days", "6"])
    assert missing.exit_code == 1 and "2027年的节假日安排尚未载入" in missing.output
    check = runner.invoke(args=["review", "calendar", "check-year", "2027"])
    assert check.exit_code == 1 and "not covered" in check.output
    refused = runner.invoke(args=["review", "calendar", "load", str(EXAMPLE)])
    assert refused.exit_code == 1 and "example_arrangement" in refused.output  # invented dates: never by accident
    warned = runner.invoke(args=["review", "calendar", "load", str(EXAMPLE), "--example"])
    assert warned.exit_code == 1 and "arrangement_warnings" in warned.output  # 02-14..02-20: 7 working days
    loaded = runner.invoke(args=["review", "calendar", "load", str(EXAMPLE), "--example", "--accept-warnings"])
    assert loaded.exit_code == 0
    assert loaded.stdout == "2027: revision 1, 365 days changed, 0 open deadlines recomputed\n"
    assert "2027-02-14 至 2027-02-20 连续工作 7 天" in loaded.stderr
    assert runner.invoke(args=["review", "calendar", "check-year", "2027"]).output == "2027: covered\n"
    assert runner.invoke(args=["review", "calendar", "due", "--start", "2026-12-24", "--working-days", "6"]
                         ).output == "2027-01-04\n"
    changed = tmp_path / "2027.json"
    makeups = doc_2027()["make_up_working_days"] + ["2027-01-09"]
    changed.write_text(json.dumps(doc_2027(make_up_working_days=makeups)), encoding="utf-8")
    again = runner.invoke(args=["review", "calendar", "load", str(changed), "--accept-warnings"])
    assert again.stdout == "2027: revision 2, 1 days changed, 0 open deadlines recomputed\n"


def test_cli_bad_file_prints_every_problem_and_stores_nothing(app, runner, tmp_path, doc_2027):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc_2027(make_up_working_days=["2027-02-10", "2027-10-02"])), encoding="utf-8")
    result = runner.invoke(args=["review", "calendar", "load", str(bad)])
    assert result.exit_code == 1
    assert "make_up_working_days.0" in result.output and "make_up_working_days.1" in result.output
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    assert runner.invoke(args=["review", "calendar", "load", str(tmp_path / "broken.json")]).exit_code == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(CalendarArrangement.id))) == 0


def test_cli_adjust(app, runner):
    result = runner.invoke(args=["review", "calendar", "adjust", "city", "2026-06-01", "--rest",
                                 "--reason", "防汛放假"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["review", "calendar", "due", "--start", "2026-05-29", "--working-days", "1",
                               "--agency", "city"]).output == "2026-06-02\n"
    assert runner.invoke(args=["review", "calendar", "adjust", "nowhere", "2026-06-01", "--rest",
                               "--reason", "x"]).exit_code == 1
    assert runner.invoke(args=["review", "calendar", "adjust", "city", "2026-06-02", "--reason", "x"]).exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(func.count(CalendarAdjustment.id))) == 1
        assert not is_working_day(date(2026, 6, 1), agency_id=db.session.scalar(
            select(CalendarAdjustment.agency_id)))


def test_api_due(as_user):
    user = as_user("handler")
    answer = user.get("/api/v1/calendar/due?start=2026-04-30&working_days=5")
    assert answer.status_code == 200
    assert answer.get_json() == {"due_on": "2026-05-11", "start": "2026-04-30", "working_days": 5}
    answer = user.get("/api/v1/calendar/due?start=2026-09-03&calendar_days=30")
    assert answer.get_json() == {"due_on": "2026-10-08", "start": "2026-09-03", "calendar_days": 30}


def test_api_missing_year_and_bad_parameters(as_user, client):
    user = as_user("handler")
    missing = user.get("/api/v1/calendar/due?start=2026-12-24&working_days=6")
    assert missing.status_code == 422
    assert missing.get_json() == {"error": {"code": "calendar_data_missing",
                                            "message": "2027年的节假日安排尚未载入，无法计算期限",
                                            "fields": {"year": ["2027年的节假日安排尚未载入"]}}}
    for query, failing in (("start=2026-02-30&working_days=5", {"start"}),
                           ("start=2026-04-30", {"working_days", "calendar_days"}),
                           ("start=2026-04-30&working_days=5&calendar_days=5", {"working_days", "calendar_days"}),
                           ("start=2026-04-30&working_days=-1", {"working_days"}),
                           ("working_days=x", {"start", "working_days"})):
        answer = user.get(f"/api/v1/calendar/due?{query}")
        assert answer.status_code == 422, query
        body = answer.get_json()["error"]
        assert body["code"] == "validation_failed" and set(body["fields"]) == failing, (query, body)
    unknown = user.get("/api/v1/calendar/due?start=2026-04-30&working_days=5&agency=nowhere")
    assert unknown.status_code == 422 and unknown.get_json()["error"]["fields"] == {"agency": ["机关不存在"]}
    assert client.get("/api/v1/calendar/due?start=2026-04-30&working_days=5").status_code == 401


def test_api_uses_the_callers_agency_by_default(app, as_user, runner):
    runner.invoke(args=["review", "calendar", "adjust", "city", "2026-06-01", "--rest", "--reason", "防汛放假"])
    path = "/api/v1/calendar/due?start=2026-05-29&working_days=1"
    assert as_user("handler").get(path).get_json()["due_on"] == "2026-06-02"  # a city user
    assert as_user("other.handler").get(path).get_json()["due_on"] == "2026-06-01"
    assert as_user("other.handler").get(path + "&agency=city").get_json()["due_on"] == "2026-06-02"


def test_api_years(as_user, runner):
    assert runner.invoke(args=["review", "calendar", "load", str(EXAMPLE), "--example", "--accept-warnings"]
                         ).exit_code == 0
    items = as_user("handler").get("/api/v1/calendar/years").get_json()["items"]
    assert [i["year"] for i in items] == list(range(2004, 2028))
    assert items[0] == {"year": 2004, "source": "package", "revision": None, "notice": None, "notice_date": None,
                        "example": False, "source_file": None, "loaded_at": None}
    assert (items[-1]["source"], items[-1]["revision"], items[-1]["source_file"]) == ("loaded", 1,
                                                                                      "2027-example.json")
