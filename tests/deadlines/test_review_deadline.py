"""The review clock: due dates across holidays and make-up days, RESTART and SUSPEND, the Art. 60 cap,
and a year without calendar data. The clock is frozen; Beijing is UTC+8."""
import pytest
from freezegun import freeze_time

from review_service.engine.specs import ProcessDefinitionError

from ..factories import beijing, publish_agency_process, return_and_supply, review_deadline, submission, submit_unfiled


@pytest.mark.parametrize("submitted_on, due_on", [
    ("2026-04-30", "2026-05-11"),  # 劳动节 05-01..05-05 off, Sat 05-09 is a make-up working day
    ("2026-01-30", "2026-02-06"),
    ("2025-09-30", "2025-10-14"),  # 国庆+中秋 2025: 10-01..10-08 off, Sat 10-11 make-up
    ("2026-02-13", "2026-02-27"),  # 春节 2026: Sat 02-14 make-up, 02-15..02-23 off
    ("2026-09-18", "2026-09-24"),  # Sun 2026-09-20 is a make-up working day
    ("2026-12-24", "2026-12-31"),
])
def test_the_review_is_due_five_working_days_after_submission(as_user, submitted_on, due_on):
    with freeze_time(beijing(submitted_on)):
        case = submit_unfiled(as_user)
        task = as_user("reviewer").open_task(case["id"], "accept_submission")
    deadline = review_deadline(as_user("reviewer").case(case["id"]))
    assert (deadline["start_on"], deadline["due_on"], deadline["status"]) == (submitted_on, due_on, "running")
    assert task["due_on"] == due_on and task["overdue"] is False


def test_a_task_shows_working_days_left_and_the_review_task_keeps_the_clock(as_user):
    reviewer = as_user("reviewer")
    with freeze_time(beijing("2026-04-30")):
        case = submit_unfiled(as_user)
    with freeze_time(beijing("2026-05-06")):  # first working day after the holiday
        assert reviewer.open_task(case["id"], "accept_submission")["working_days_left"] == 4
        reviewer.complete(case["id"], "accept_submission", {"result": "accept"})
        review = reviewer.open_task(case["id"], "review_case")
        inbox = reviewer.get("/api/v1/tasks").get_json()["items"]
    assert (review["due_on"], review["working_days_left"]) == ("2026-05-11", 4)
    assert [(t["name"], t["due_on"]) for t in inbox] == [("review_case", "2026-05-11")]
    assert len([d for d in reviewer.case(case["id"])["deadlines"] if d["kind"] == "review"]) == 1


def test_restart_counts_the_whole_period_again_from_the_supplement(as_user):
    with freeze_time(beijing("2026-03-02")):
        case = submit_unfiled(as_user)
    paused, resumed = return_and_supply(as_user, case["id"], "2026-03-04", "2026-03-09")
    assert (paused["status"], paused["days_used"]) == ("paused", 0)
    assert (resumed["status"], resumed["start_on"], resumed["due_on"]) == ("running", "2026-03-09", "2026-03-16")


def test_suspend_keeps_the_working_days_used_before_the_return(app, as_user):
    publish_agency_process(app, ('"supplement_mode": "RESTART"', '"supplement_mode": "SUSPEND"'))
    with freeze_time(beijing("2026-03-02")):
        case = submit_unfiled(as_user)
    paused, resumed = return_and_supply(as_user, case["id"], "2026-03-04", "2026-03-09")
    assert (paused["status"], paused["days_used"]) == ("paused", 2)  # 03-03 and 03-04 were used
    assert (resumed["start_on"], resumed["due_on"]) == ("2026-03-09", "2026-03-12")  # 3 days left


def test_an_agency_process_sets_its_own_review_time_limit(app, as_user):
    publish_agency_process(app, ('"review_working_days": 5', '"review_working_days": 7'))
    with freeze_time(beijing("2026-03-02")):
        case = submit_unfiled(as_user)
    assert review_deadline(as_user("reviewer").case(case["id"]))["due_on"] == "2026-03-11"


def test_the_review_may_not_run_past_the_statutory_decision_deadline(as_user):
    # 立案 2026-01-01 + 90 days = 2026-04-01; five working days from 03-30 would end on 04-07 (清明 04-04..06)
    with freeze_time(beijing("2026-03-30")):
        case = as_user("handler").submit(filed_on="2026-01-01")
    deadline = review_deadline(as_user("reviewer").case(case["id"]))
    assert (deadline["cap_on"], deadline["due_on"], deadline["capped"]) == ("2026-04-01", "2026-04-01", True)
    assert deadline["warnings"] == ["exceeds_statutory_deadline"]
    notes = as_user("handler").get("/api/v1/notifications").get_json()["items"]
    assert [(n["kind"], n["case_id"]) for n in notes] == [("deadline.capped", case["id"])]


def test_a_review_that_ends_well_before_the_cap_is_not_capped(as_user):
    with freeze_time(beijing("2026-03-02")):
        case = as_user("handler").submit(filed_on="2026-01-01")
    deadline = review_deadline(as_user("reviewer").case(case["id"]))
    assert (deadline["due_on"], deadline["capped"], deadline["warnings"]) == ("2026-03-09", False, [])
    assert as_user("handler").get("/api/v1/notifications").get_json()["items"] == []


def _load_2027(runner, tmp_path, day: str) -> None:
    arrangement = tmp_path / "2027.json"
    arrangement.write_text('{"year": 2027, "notice": "测试用安排", "holidays": '
                           '[{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}]}', encoding="utf-8")
    with freeze_time(beijing(day)):
        result = runner.invoke(args=["review", "calendar", "load", str(arrangement)])
    assert result.exit_code == 0, result.output


def test_a_period_reaching_a_year_without_data_stops_with_a_message_until_it_is_loaded(app, as_user, runner,
                                                                                      tmp_path):
    with freeze_time(beijing("2026-12-28")):
        case = submit_unfiled(as_user)
        task = as_user("reviewer").open_task(case["id"], "accept_submission")
    deadline = review_deadline(as_user("reviewer").case(case["id"]))
    assert deadline["due_on"] is None and "2027" in deadline["problem"] and task["due_on"] is None
    _load_2027(runner, tmp_path, "2026-12-29")
    deadline = review_deadline(as_user("reviewer").case(case["id"]))
    # 12-29, 12-30, 12-31, (01-01..01-03 off), 01-04, 01-05
    assert (deadline["due_on"], deadline["problem"]) == ("2027-01-05", None)
    events = as_user("reviewer").get(f"/api/v1/cases/{case['id']}/history").get_json()["events"]
    recomputed = [e["data"] for e in events if e["action"] == "deadline.recomputed"]
    assert recomputed == [{"kind": "review", "old_due_on": None, "due_on": "2027-01-05", "cap_on": None,
                           "problem": None, "reason": "节假日安排更新"}]


def test_a_statutory_deadline_in_a_year_without_data_does_not_stop_the_submission(as_user, runner, tmp_path):
    # 立案 2026-10-20 + 90 days = 2027-01-18, a year without data; the review ends 2026-12-14, well before
    with freeze_time(beijing("2026-12-07")):
        response = as_user("handler").post("/api/v1/cases", json=submission(filed_on="2026-10-20"))
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    deadline = review_deadline(as_user("reviewer").case(case["id"]))
    assert (deadline["due_on"], deadline["capped"], deadline["problem"]) == ("2026-12-14", False, None)
    assert (deadline["cap_from_on"], deadline["cap_calendar_days"], deadline["cap_on"]) == ("2026-10-20", 90, None)
    _load_2027(runner, tmp_path, "2026-12-08")
    deadline = review_deadline(as_user("reviewer").case(case["id"]))
    assert (deadline["due_on"], deadline["cap_on"], deadline["capped"]) == ("2026-12-14", "2027-01-18", False)


def test_a_known_statutory_deadline_cuts_a_period_that_reaches_a_year_without_data(as_user):
    # 立案 2026-09-29 + 90 days = Mon 2026-12-28; five working days from then reach 2027 (no data)
    with freeze_time(beijing("2026-12-28")):
        case = as_user("handler").submit(filed_on="2026-09-29")
    deadline = review_deadline(as_user("reviewer").case(case["id"]))
    assert (deadline["due_on"], deadline["cap_on"], deadline["capped"], deadline["problem"]) == (
        "2026-12-28", "2026-12-28", True, None)


def test_a_cap_known_only_once_its_year_is_loaded_cuts_the_period_and_says_so(as_user, runner, tmp_path):
    # 立案 2026-10-04 + 90 days = Sat 2027-01-02, a rest day: Mon 01-04; the period would end 01-05
    with freeze_time(beijing("2026-12-28")):
        case = as_user("handler").submit(filed_on="2026-10-04")
    assert review_deadline(as_user("reviewer").case(case["id"]))["problem"] is not None
    _load_2027(runner, tmp_path, "2026-12-29")
    deadline = review_deadline(as_user("reviewer").case(case["id"]))
    assert (deadline["due_on"], deadline["cap_on"], deadline["capped"]) == ("2027-01-04", "2027-01-04", True)
    notes = as_user("handler").get("/api/v1/notifications").get_json()["items"]
    assert [(n["kind"], n["case_id"]) for n in notes] == [("deadline.capped", case["id"])]


OLDER_CAP = ('<spiffworkflow:property name="deadlineCapFrom" value="case[&quot;filed_on&quot;]" />',
             '<spiffworkflow:property name="deadlineCap" value="add_calendar_days(case[&quot;filed_on&quot;], '
             'time_limits[&quot;statutory_decision_calendar_days&quot;]) if case[&quot;filed_on&quot;] else None" />')


def test_the_older_cap_expression_still_cuts_the_period(app, as_user):
    publish_agency_process(app, OLDER_CAP)
    with freeze_time(beijing("2026-03-30")):
        case = as_user("handler").submit(filed_on="2026-01-01")
    deadline = review_deadline(as_user("reviewer").case(case["id"]))
    assert (deadline["cap_on"], deadline["due_on"], deadline["capped"]) == ("2026-04-01", "2026-04-01", True)


def test_the_older_cap_expression_needing_a_year_without_data_opens_the_clock_with_a_problem(app, as_user):
    publish_agency_process(app, OLDER_CAP)
    with freeze_time(beijing("2026-12-07")):
        response = as_user("handler").post("/api/v1/cases", json=submission(filed_on="2026-10-20"))
    assert response.status_code == 201, response.get_json()
    deadline = review_deadline(as_user("reviewer").case(response.get_json()["id"]))
    assert deadline["due_on"] is None and "2027" in deadline["problem"]


def test_period_and_statutory_deadline_both_in_a_year_without_data_wait_for_the_calendar(as_user, runner,
                                                                                        tmp_path):
    # 立案 2026-11-01 + 90 days = Sat 2027-01-30, moved to Mon 02-01 once 2027 is known
    with freeze_time(beijing("2026-12-28")):
        case = as_user("handler").submit(filed_on="2026-11-01")
    deadline = review_deadline(as_user("reviewer").case(case["id"]))
    assert (deadline["due_on"], deadline["cap_on"]) == (None, None) and "2027" in deadline["problem"]
    _load_2027(runner, tmp_path, "2026-12-29")
    deadline = review_deadline(as_user("reviewer").case(case["id"]))
    assert (deadline["due_on"], deadline["cap_on"], deadline["capped"], deadline["problem"]) == (
        "2027-01-05", "2027-02-01", False, None)


def test_an_agency_rest_day_moves_its_open_deadlines_and_no_others(as_user, runner):
    with freeze_time(beijing("2026-03-02")):  # both due Mon 03-09
        city_case = submit_unfiled(as_user)
        other_case = as_user("other.handler").submit(case_number="环罚〔2026〕9号", filed_on="2026-01-01")
        result = runner.invoke(args=["review", "calendar", "adjust", "city", "2026-03-05", "--rest",
                                     "--reason", "地方性假日"])
    assert result.exit_code == 0, result.output
    assert review_deadline(as_user("reviewer").case(city_case["id"]))["due_on"] == "2026-03-10"
    assert review_deadline(as_user("other.reviewer").case(other_case["id"]))["due_on"] == "2026-03-09"
    events = as_user("reviewer").get(f"/api/v1/cases/{city_case['id']}/history").get_json()["events"]
    assert [(e["data"]["old_due_on"], e["data"]["due_on"]) for e in events
            if e["action"] == "deadline.recomputed"] == [("2026-03-09", "2026-03-10")]


def test_a_designer_mistake_in_a_deadline_property_is_refused_at_publishing(app, as_user):
    """The sample case evaluates every deadline property before a version is published (it used to fail
    only when the first case started); the national version stays in force."""
    with pytest.raises(ProcessDefinitionError) as refused:
        publish_agency_process(app, ('"supplement_mode": "RESTART"', '"supplement_mode": "SOMETIMES"'))
    assert "supplementMode" in str(refused.value) and "accept_submission" in str(refused.value)
    assert as_user("handler").post("/api/v1/cases", json=submission()).status_code == 201


def test_a_cap_start_without_its_number_of_days_is_refused_at_publishing(app, as_user):
    days = 'name="deadlineCapCalendarDays" value="'
    with pytest.raises(ProcessDefinitionError) as refused:
        publish_agency_process(app, (days + 'time_limits[&quot;statutory_decision_calendar_days&quot;]"',
                                     days + 'None"'))
    assert "deadlineCapCalendarDays" in str(refused.value) and "review_case" in str(refused.value)
    assert as_user("handler").post("/api/v1/cases", json=submission()).status_code == 201
