"""Reminders and overdue flags fired by the worker, the supervisors' lists, extensions, and the
deadlines after the decision (publication, archiving, withdrawal)."""
import threading

import pytest
from freezegun import freeze_time

from review_service.extensions import db
from review_service.jobs.worker import work_once

from ..factories import (
    accepted_case,
    add_user,
    beijing,
    decision,
    notifications,
    publish_agency_process,
    review,
    review_deadline,
    submit_unfiled,
)


def run_worker(app, moment) -> list[str]:
    with app.app_context(), freeze_time(moment):
        return [result.outcome for result in work_once("test-worker")]


def test_the_reviewer_is_reminded_one_working_day_before_and_the_breach_is_flagged(app, as_user):
    review_head = add_user(app, "review.head", "review_head")
    case_id = accepted_case(as_user)  # due Mon 2026-05-11; the working day before is the make-up Sat 05-09
    assert run_worker(app, beijing("2026-05-08", 23)) == []
    assert run_worker(app, beijing("2026-05-09", 9)) == ["done"]
    assert notifications(as_user("reviewer")) == [("deadline.reminder", case_id)]
    assert run_worker(app, beijing("2026-05-11", 23)) == []  # the last day is not over yet
    assert run_worker(app, beijing("2026-05-12", 0)) == ["done"]

    case = as_user("reviewer").case(case_id)
    deadline = review_deadline(case)
    assert (case["overdue"], deadline["overdue"], deadline["overdue_since"]) == (True, True, "2026-05-12")
    assert notifications(as_user("reviewer"))[0] == ("deadline.overdue", case_id)
    assert notifications(review_head) == [("deadline.overdue", case_id)]
    assert notifications(as_user("supervisor")) == [("deadline.overdue", case_id)]
    assert notifications(as_user("handler")) == []
    actions = [e["action"] for e in as_user("reviewer").get(f"/api/v1/cases/{case_id}/history").get_json()["events"]]
    assert actions.count("deadline.reminder_sent") == 1 and actions.count("deadline.overdue") == 1
    assert run_worker(app, beijing("2026-05-13")) == []  # nothing fires twice

    with freeze_time(beijing("2026-05-13")):  # an overdue review can still be completed
        as_user("reviewer").complete(case_id, "review_case", review("approve"))
    met = next(d for d in as_user("reviewer").case(case_id)["deadlines"] if d["kind"] == "review")
    assert (met["status"], met["overdue"]) == ("met", True)


def test_a_worker_back_after_the_due_date_sends_the_overdue_alert_without_a_reminder(app, as_user):
    case_id = accepted_case(as_user)  # due Mon 2026-05-11, reminder on Sat 05-09; the worker was down until 05-12
    assert run_worker(app, beijing("2026-05-12", 9)) == ["done", "done"]
    assert notifications(as_user("reviewer")) == [("deadline.overdue", case_id)]
    actions = [e["action"] for e in as_user("reviewer").get(f"/api/v1/cases/{case_id}/history").get_json()["events"]]
    assert "deadline.reminder_sent" not in actions and actions.count("deadline.overdue") == 1


def test_supervisors_see_overdue_and_upcoming_deadlines_of_their_agencies_only(app, as_user):
    late = accepted_case(as_user, "2026-04-30")  # due 05-11
    with freeze_time(beijing("2026-05-08")):
        soon = submit_unfiled(as_user, case_number="市监罚〔2026〕2号")["id"]  # due 05-15
        other = as_user("other.handler").submit(case_number="环罚〔2026〕1号", filed_on="2026-05-01")["id"]
    run_worker(app, beijing("2026-05-12", 1))
    with freeze_time(beijing("2026-05-12", 9)):
        overdue = as_user("supervisor").get("/api/v1/deadlines/overdue").get_json()["items"]
        upcoming = as_user("supervisor").get("/api/v1/deadlines/upcoming?within_working_days=3").get_json()["items"]
        head_view = as_user("other.head").get("/api/v1/deadlines/overdue").get_json()["items"]
        refused = as_user("handler").get("/api/v1/deadlines/overdue")
        bad = as_user("supervisor").get("/api/v1/deadlines/upcoming?within_working_days=-1")
    assert [(d["case_id"], d["overdue"], d["working_days_left"]) for d in overdue] == [(late, True, -1)]
    assert sorted(d["case_id"] for d in upcoming) == [soon, other]
    assert head_view == []
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "role_required")
    assert (bad.status_code, list(bad.get_json()["error"]["fields"])) == (422, ["within_working_days"])


def test_one_extension_approved_by_the_deputy_head_moves_the_due_date(app, as_user):
    deputy = add_user(app, "deputy", "deputy_head")
    case_id = accepted_case(as_user)
    reviewer = as_user("reviewer")
    task_id = reviewer.open_task(case_id, "review_case")["id"]
    with freeze_time(beijing("2026-05-07")):
        assert as_user("handler").post(f"/api/v1/tasks/{task_id}/extension-request",
                                       json={"reason": "案情复杂"}).status_code == 403
        asked = reviewer.post(f"/api/v1/tasks/{task_id}/extension-request", json={"reason": "案情复杂，需调查核实"})
        again = reviewer.post(f"/api/v1/tasks/{task_id}/extension-request", json={"reason": "再次申请"})
        [approval] = deputy.get("/api/v1/tasks").get_json()["items"]
        assert reviewer.post(f"/api/v1/tasks/{approval['id']}/complete",
                             json={"data": {"decision": "approve"}}).status_code == 403
        refused = deputy.post(f"/api/v1/tasks/{approval['id']}/complete", json={"data": {"decision": "reject"}})
        done = deputy.post(f"/api/v1/tasks/{approval['id']}/complete", json={"data": {"decision": "approve"}})
    assert (asked.status_code, asked.get_json()["working_days"]) == (201, 3)
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "extension_already_requested")
    assert (refused.status_code, list(refused.get_json()["error"]["fields"])) == (422, ["note"])
    assert done.status_code == 200, done.get_json()
    deadline = review_deadline(reviewer.case(case_id))
    assert (deadline["extension_days"], deadline["due_on"]) == (3, "2026-05-14")
    assert reviewer.open_task(case_id, "review_case")["due_on"] == "2026-05-14"
    assert ("extension.approved", case_id) in notifications(reviewer)
    assert run_worker(app, beijing("2026-05-12", 1)) == []  # the old breach moved with the due date


def _decided(as_user, decided_on: str, **submission) -> int:
    with freeze_time(beijing(decided_on)):
        case_id = submit_unfiled(as_user, **submission)["id"]
        as_user("reviewer").complete(case_id, "accept_submission", {"result": "accept"})
        as_user("reviewer").complete(case_id, "review_case", review("approve"))
        as_user("head").complete(case_id, "record_decision", decision(decided_on=decided_on))
    return case_id


def _deadline(client, case_id, kind) -> dict:
    [deadline] = [d for d in client.case(case_id)["deadlines"] if d["kind"] == kind]
    return deadline


def test_publication_and_archiving_deadlines_follow_the_decision(as_user):
    penalty = _decided(as_user, "2026-09-03")
    handler = as_user("handler")
    assert _deadline(handler, penalty, "publication")["due_on"] == "2026-09-14"  # 7 working days
    assert _deadline(handler, penalty, "archiving")["due_on"] == "2026-10-08"  # day 30 is 国庆 10-03
    assert handler.open_task(penalty, "publish_decision")["due_on"] == "2026-09-14"
    coercion = _decided(as_user, "2026-09-30", case_number="市监强〔2026〕1号", decision_type="administrative_coercion",
                       hearing_held=True)
    # 20 working days from 09-30 across 国庆 (10-01..10-07 off, Sat 10-10 make-up)
    assert _deadline(handler, coercion, "publication")["due_on"] == "2026-11-03"
    with freeze_time(beijing("2026-09-10")):
        handler.complete(penalty, "publish_decision", {"published": False, "not_published_reason": "涉及个人隐私"})
    assert _deadline(handler, penalty, "publication")["status"] == "met"


def test_a_revoking_decision_opens_a_withdrawal_due_in_three_working_days(as_user):
    case_id = _decided(as_user, "2026-09-03")
    handler = as_user("handler")
    before = as_user("other.handler").post(f"/api/v1/cases/{case_id}/withdrawals", json={
        "received_on": "2026-09-30", "document": "复议决定书", "reason": "复议机关撤销原决定"})
    assert before.status_code == 404
    with freeze_time(beijing("2026-09-30")):
        opened = handler.post(f"/api/v1/cases/{case_id}/withdrawals", json={
            "received_on": "2026-09-30", "document": "市政府行政复议决定书", "reason": "复议机关撤销原决定"})
    assert opened.status_code == 201, opened.get_json()
    assert opened.get_json()["due_on"] == "2026-10-10"  # 10-08, 10-09 and the make-up Saturday 10-10
    with freeze_time(beijing("2026-10-09")):
        handler.complete(case_id, "withdraw_publication", {"withdrawn_on": "2026-10-09", "statement": "原决定已撤销"})
    assert _deadline(handler, case_id, "withdrawal")["status"] == "met"
    bad = handler.post(f"/api/v1/cases/{case_id}/withdrawals", json={"received_on": "2026-13-01"})
    assert bad.status_code == 422 and {"received_on", "document", "reason"} <= set(bad.get_json()["error"]["fields"])


def test_a_withdrawal_needs_a_decision(as_user):
    case_id = accepted_case(as_user)
    response = as_user("handler").post(f"/api/v1/cases/{case_id}/withdrawals", json={
        "received_on": "2026-05-06", "document": "复议决定书", "reason": "撤销"})
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "no_decision")



def _withdraw(client, case_id, received_on: str):
    return client.post(f"/api/v1/cases/{case_id}/withdrawals", json={
        "received_on": received_on, "document": "市政府行政复议决定书", "reason": "复议机关撤销原决定"})


@pytest.mark.parametrize("received_on, message", [("2026-10-01", "不能晚于今天"), ("2026-09-02", "不能早于原决定日期")])
def test_a_withdrawal_received_in_the_future_or_before_the_decision_is_refused(as_user, received_on, message):
    case_id = _decided(as_user, "2026-09-03")
    with freeze_time(beijing("2026-09-30")):
        response = _withdraw(as_user("handler"), case_id, received_on)
    error = response.get_json()["error"]
    assert (response.status_code, error["code"]) == (422, "validation_failed")
    assert message in error["fields"]["received_on"][0]
    assert [d for d in as_user("handler").case(case_id)["deadlines"] if d["kind"] == "withdrawal"] == []


def test_one_withdrawal_at_a_time(as_user):
    case_id = _decided(as_user, "2026-09-03")
    with freeze_time(beijing("2026-09-30")):
        assert _withdraw(as_user("handler"), case_id, "2026-09-30").status_code == 201
        again = _withdraw(as_user("head"), case_id, "2026-09-30")
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "withdrawal_open")


def test_the_withdrawal_period_comes_from_the_agencys_process(app, as_user):
    publish_agency_process(app, ('"withdrawal_working_days": 3', '"withdrawal_working_days": 5'))
    case_id = _decided(as_user, "2026-09-03")
    with freeze_time(beijing("2026-09-14")):
        opened = _withdraw(as_user("handler"), case_id, "2026-09-14")
    assert opened.status_code == 201, opened.get_json()
    assert opened.get_json()["due_on"] == "2026-09-20"  # five working days: 09-15..09-18 and the make-up Sun 09-20


def test_three_workers_racing_over_breach_jobs_flag_each_deadline_once(app, as_user):
    case_ids = [accepted_case(as_user, "2026-04-30")]  # one assigned review, six waiting for acceptance
    with freeze_time(beijing("2026-04-30")):
        case_ids += [submit_unfiled(as_user, case_number=f"市监罚〔2026〕{n}号")["id"] for n in range(10, 16)]
    barrier = threading.Barrier(3)

    def worker(name):
        with app.app_context():
            barrier.wait()
            while work_once(name, batch=2):
                pass
            db.session.remove()
    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(3)]
    with freeze_time(beijing("2026-05-12", 1)):  # freezegun is process-wide: freeze once, outside the threads
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    for case_id in case_ids:
        events = as_user("reviewer").get(f"/api/v1/cases/{case_id}/history").get_json()
        assert [e["action"] for e in events["events"]].count("deadline.overdue") == 1, case_id
        assert [e["action"] for e in events["events"]].count("deadline.reminder_sent") == 0, case_id  # past due
        assert events["chain_intact"] is True
    assert [kind for kind, _ in notifications(as_user("supervisor"))].count("deadline.overdue") == len(case_ids)
