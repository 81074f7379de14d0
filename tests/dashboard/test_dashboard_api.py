"""GET /api/v1/dashboard: the figures of a small set of real cases, under a frozen clock, and who sees what."""
from datetime import date

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from review_service.accounts.models import User
from review_service.agencies.models import Agency
from review_service.dashboard.service import dashboard_figures
from review_service.deadlines.models import RUNNING, Deadline
from review_service.deadlines.service import working_days_until
from review_service.extensions import db
from review_service.staffing.models import StaffMember
from review_service.workdays.service import adjust_day

from ..factories import STAFF_FROM, statements_sent
from . import scenario
from .scenario import TODAY, beijing


@pytest.fixture
def cases(as_user):
    return scenario.build(as_user)


def dashboard(client, **query):
    with freeze_time(beijing(TODAY)):
        response = client.get("/api/v1/dashboard", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def stage_counts(body) -> dict:
    return {row["status"]: {a["agency_code"]: a["cases"] for a in row["by_agency"] if a["cases"]}
            for row in body["cases_per_stage"] if row["total"]}


def test_overdue_and_upcoming_deadlines_of_a_supervisor(as_user, cases):
    body = dashboard(as_user("supervisor"))
    assert body["on"] == TODAY and body["within_working_days"] == 3
    [overdue] = body["overdue"]
    assert (overdue["case_id"], overdue["kind"], overdue["due_on"], overdue["working_days_overdue"]) == \
        (cases["a"], "review", "2026-10-13", 3)
    assert overdue["step"] == "法制审核（审核要点与审核意见）" and overdue["holder"]["full_name"] == cases["a_holder"]
    assert overdue["case_number"] == "市监罚〔2026〕101号" and overdue["agency_code"] == "city"
    upcoming = [(d["case_id"], d["due_on"], d["working_days_left"], d["holder"]) for d in body["upcoming"]]
    assert upcoming[0][:3] == (cases["c"], "2026-10-19", 1) and upcoming[0][3]["full_name"] == "other.reviewer"
    assert upcoming[1] == (cases["b"], "2026-10-21", 3, None)  # in the city's shared queue: no holder yet
    assert body["upcoming"][1]["holder_role"] == "reviewer"


def test_upcoming_window_is_counted_in_working_days(as_user, cases):
    within_two = dashboard(as_user("supervisor"), within_working_days=2)
    assert [d["case_id"] for d in within_two["upcoming"]] == [cases["c"]]
    within_zero = dashboard(as_user("supervisor"), within_working_days=0)
    assert within_zero["upcoming"] == [] and len(within_zero["overdue"]) == 1


def test_the_lists_are_limited_and_the_totals_count_all(as_user, cases):
    body = dashboard(as_user("supervisor"), limit=1)
    assert (body["overdue_total"], body["upcoming_total"]) == (1, 2)
    assert [d["case_id"] for d in body["upcoming"]] == [cases["c"]]  # the earliest due
    assert len(body["overdue"]) == 1


def test_cases_per_stage_per_agency(as_user, cases):
    assert stage_counts(dashboard(as_user("supervisor"))) == {
        "awaiting_acceptance": {"city": 1, "other": 1}, "under_review": {"city": 1}, "review_passed": {"city": 1}}
    statuses = [row["status"] for row in dashboard(as_user("supervisor"))["cases_per_stage"]]
    assert statuses[:3] == ["review_not_required", "awaiting_acceptance", "awaiting_supplement"]
    titles = {row["status"]: row["status_title"] for row in dashboard(as_user("head"))["cases_per_stage"]}
    assert titles["under_review"] == "审核中"


def test_average_working_days_per_stage_skip_the_national_holiday(as_user, cases):
    times = dashboard(as_user("supervisor"))["working_days_per_stage"]
    assert (times["from_on"], times["to_on"], times["period_days"]) == ("2026-07-19", TODAY, 90)
    stages = {s["kind"]: (s["title"], s["tasks"], s["average_working_days"], s["max_working_days"])
              for s in times["stages"]}
    # A: 09-30 -> 10-09 spans 国庆 (10-01..10-07): 2 working days, not 9 calendar days; D: same day, 0
    assert stages == {"acceptance": ("受理审查（材料完整性）", 2, 1.0, 2),
                      "review_opinion": ("法制审核（审核要点与审核意见）", 1, 2.0, 2)}
    assert [s["kind"] for s in times["stages"]] == ["acceptance", "review_opinion"]
    assert times["unmeasured_tasks"] == 0


def test_the_period_selects_the_completed_tasks(as_user, cases):
    times = dashboard(as_user("supervisor"), period_days=3)["working_days_per_stage"]
    assert times["from_on"] == "2026-10-14"
    assert [(s["kind"], s["tasks"]) for s in times["stages"]] == [("review_opinion", 1)]


def test_a_make_up_saturday_counts_as_a_working_day(as_user):
    handler, reviewer = as_user("handler"), as_user("reviewer")
    with freeze_time(beijing("2026-10-09")):  # Friday; Saturday 10-10 is a make-up working day
        case_id = scenario.submit_unfiled(handler, "市监罚〔2026〕200号", "补班案")
    with freeze_time(beijing("2026-10-12")):
        reviewer.complete(case_id, "accept_submission", {"result": "accept"})
    [stage] = dashboard(as_user("head"))["working_days_per_stage"]["stages"]
    assert (stage["kind"], stage["average_working_days"]) == ("acceptance", 2.0)  # 10-10 and 10-12


def test_staffing_compliance_per_agency(app, as_user, cases):
    with app.app_context():  # 21 officers in the other agency need 2 reviewers; it has 1
        other = db.session.scalar(select(Agency).where(Agency.code == "other"))
        db.session.add_all(StaffMember(agency_id=other.id, kind="enforcement_officer", name=f"新增执法{n}",
                                       enforcement_certificate_no=f"other-x{n}", valid_from=STAFF_FROM)
                           for n in range(11))
        db.session.commit()
    staffing = dashboard(as_user("supervisor"))["staffing"]
    rows = {row["agency_code"]: (row["enforcement_staff"], row["reviewers"], row["required_reviewers"],
                                 row["shortfall"], row["compliant"]) for row in staffing["agencies"]}
    assert rows == {"province": (0, 0, 0, 0, True), "city": (40, 3, 2, 0, True), "other": (21, 1, 2, 1, False)}
    warning = next(row["warning"] for row in staffing["agencies"] if row["agency_code"] == "other")
    assert "尚缺 1 人" in warning
    assert staffing["total"] == {"enforcement_staff": 61, "reviewers": 4, "required_reviewers": 4, "shortfall": 1,
                                 "non_compliant_agencies": 1}
    assert staffing["on"] == TODAY


def test_a_city_head_sees_the_city_only(as_user, cases):
    body = dashboard(as_user("head"))
    assert [a["code"] for a in body["agencies"]] == ["city"]
    assert [d["case_id"] for d in body["upcoming"]] == [cases["b"]]
    assert stage_counts(body) == {"awaiting_acceptance": {"city": 1}, "under_review": {"city": 1},
                                  "review_passed": {"city": 1}}
    assert [row["agency_code"] for row in body["staffing"]["agencies"]] == ["city"]


def test_a_province_supervisor_sees_the_agencies_below(as_user, cases):
    body = dashboard(as_user("supervisor"))
    assert body["agency_code"] == "province"
    assert [a["code"] for a in body["agencies"]] == ["province", "city", "other"]
    narrowed = dashboard(as_user("supervisor"), agency="other")
    assert [a["code"] for a in narrowed["agencies"]] == ["other"]
    assert [d["case_id"] for d in narrowed["upcoming"]] == [cases["c"]] and narrowed["overdue"] == []


def test_an_agency_outside_the_scope_is_refused(as_user, cases):
    response = as_user("head").get("/api/v1/dashboard", query_string={"agency": "other"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "agency_forbidden"
    response = as_user("supervisor").get("/api/v1/dashboard", query_string={"agency": "nowhere"})
    assert response.status_code == 404


def test_a_handler_may_not_read_the_dashboard(as_user):
    response = as_user("handler").get("/api/v1/dashboard")
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "role_required" and error["message"] and error["fields"] == {}


def test_invalid_query_is_a_422_with_the_field(as_user):
    response = as_user("supervisor").get("/api/v1/dashboard", query_string={"period_days": 0})
    assert response.status_code == 422
    assert "period_days" in response.get_json()["error"]["fields"]


def test_the_dashboard_is_documented(client):
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/dashboard"]["get"]
    assert {"200", "403"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} >= {"agency", "within_working_days", "period_days"}
    assert "overdue" in spec["components"]["schemas"]["Dashboard"]["properties"]


def _statements_for_figures(app) -> tuple[int, dict]:
    with app.app_context():
        supervisor = db.session.scalar(select(User).where(User.username == "supervisor"))
        with statements_sent() as statements, freeze_time(beijing(TODAY)):
            figures = dashboard_figures(supervisor)
        return len(statements), figures


def test_figures_take_a_few_queries_whatever_the_number_of_cases(app, as_user, cases):
    few, figures = _statements_for_figures(app)
    assert len(figures["overdue"]) == 1 and figures["on"] == date(2026, 10, 16)
    with freeze_time(beijing("2026-09-30")):
        for n in range(3):
            scenario.submit_unfiled(as_user("handler"), f"市监罚〔2026〕{300 + n}号", "又一个超期案")
    more, figures = _statements_for_figures(app)
    assert len(figures["overdue"]) == figures["overdue_total"] == 4
    # 22 today: the staffing figures read each agency's profile in force (pooled advisors), a few per agency
    assert few == more <= 22


def test_a_year_without_calendar_data_is_counted_apart(as_user):
    handler, reviewer = as_user("handler"), as_user("reviewer")
    with freeze_time(beijing("2026-12-30")):
        case_id = scenario.submit_unfiled(handler, "市监罚〔2026〕900号", "跨年案")
    with freeze_time(beijing("2027-01-05")):  # 2027 has no arrangement loaded yet
        reviewer.complete(case_id, "accept_submission", {"result": "accept"})
        response = as_user("head").get("/api/v1/dashboard")
        clocks = [(d["kind"], d["due_on"], d["problem"] is not None) for d in reviewer.case(case_id)["deadlines"]]
    assert clocks == [("review", None, True)]
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["working_days_per_stage"]["stages"] == []
    assert body["working_days_per_stage"]["unmeasured_tasks"] == 1
    assert body["overdue"] == [] and body["upcoming"] == []  # its review clock has no due date
    assert body["calendar"] == {"missing_years": [2027], "deadlines_without_due_date": 1}


@pytest.mark.parametrize("other_works_saturday", [False, True])
def test_upcoming_is_what_counting_each_deadlines_working_days_gives(app, as_user, cases, other_works_saturday):
    """National-calendar deadlines are picked by due date in SQL, locally adjusted ones counted in Python: both
    must equal counting each running deadline's working days one by one (with `other` working on Saturday
    10-17, C's clock and days left follow `other`'s calendar)."""
    with app.app_context():
        if other_works_saturday:
            other = db.session.scalar(select(Agency.id).where(Agency.code == "other"))
            adjust_day(other, date(2026, 10, 17), is_working_day=True, reason="本地调休上班")
            db.session.commit()
    for within in range(5):
        body = dashboard(as_user("supervisor"), within_working_days=within)
        with app.app_context():
            scope = set(db.session.scalars(select(Agency.id).where(Agency.code.in_(
                [agency["code"] for agency in body["agencies"]]))))
            today = date.fromisoformat(TODAY)
            running = db.session.scalars(select(Deadline).where(
                Deadline.status == RUNNING, Deadline.due_on >= today, Deadline.agency_id.in_(scope)))
            days_left = {d.id: working_days_until(d.due_on, today, agency_id=d.agency_id) for d in running}
        expected = sorted(pair for pair in days_left.items() if pair[1] is not None and pair[1] <= within)
        assert sorted((d["deadline_id"], d["working_days_left"]) for d in body["upcoming"]) == expected, within
        assert body["upcoming_total"] == len(expected)
        assert [d["working_days_left"] for d in body["upcoming"]] == \
            sorted(d["working_days_left"] for d in body["upcoming"])  # earliest due first
