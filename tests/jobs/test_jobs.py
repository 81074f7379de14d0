"""Due jobs: exactly once under racing workers, leases after a crash, backoff, incidents."""
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import func, select

from review_service.extensions import db
from review_service.jobs.models import INCIDENT, PENDING, DueJob
from review_service.jobs.registry import register_job_handler
from review_service.jobs.service import LEASE, claim_due_jobs, run_job, schedule_job
from review_service.jobs.worker import work_once

NOW = datetime(2026, 10, 9, 1, 0, tzinfo=UTC)
FIRED: list[int] = []
_fired_lock = threading.Lock()


def record(job):
    if job.payload.get("fail"):
        raise RuntimeError("boom")
    with _fired_lock:
        FIRED.append(job.payload["n"])


register_job_handler("test.record", record)


def schedule(app, count, **payload):
    with app.app_context():
        for n in range(count):
            schedule_job("test.record", NOW - timedelta(minutes=1), payload={"n": n, **payload})
        db.session.commit()


def pending_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(DueJob.id)))


def test_three_workers_racing_fire_each_job_exactly_once(app):
    FIRED.clear()
    schedule(app, 150)
    barrier = threading.Barrier(3)

    def worker(name):
        with app.app_context():
            barrier.wait()
            while work_once(name, batch=7):
                pass
            db.session.remove()
    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(3)]
    with freeze_time(NOW):  # freezegun is process-wide: freeze once, outside the threads
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sorted(FIRED) == list(range(150))
    assert Counter(FIRED).most_common(1)[0][1] == 1
    assert pending_count(app) == 0


def test_jobs_not_yet_due_are_left_alone(app):
    FIRED.clear()
    with app.app_context():
        schedule_job("test.record", NOW + timedelta(hours=1), payload={"n": 1})
        db.session.commit()
        with freeze_time(NOW):
            assert work_once("w", batch=10) == []
        with freeze_time(NOW + timedelta(hours=1)):
            assert [r.outcome for r in work_once("w", batch=10)] == ["done"]
    assert FIRED == [1]


def test_a_crashed_workers_lease_expires_and_another_worker_retries(app):
    FIRED.clear()
    schedule(app, 1)
    with app.app_context(), freeze_time(NOW):
        assert len(claim_due_jobs("crashed", limit=5)) == 1
        db.session.commit()  # ... and the process dies before running it
        assert claim_due_jobs("other", limit=5) == []
        db.session.rollback()
    with app.app_context(), freeze_time(NOW + LEASE + timedelta(seconds=1)):
        assert [r.outcome for r in work_once("other", batch=5)] == ["done"]
    assert FIRED == [0]


def test_a_worker_that_lost_its_lease_does_not_run_the_job(app):
    FIRED.clear()
    schedule(app, 1)
    with app.app_context():
        with freeze_time(NOW):
            [job_id] = claim_due_jobs("slow", limit=1)
            db.session.commit()
        with freeze_time(NOW + LEASE + timedelta(seconds=1)):
            assert claim_due_jobs("fast", limit=1) == [job_id]
            db.session.commit()
            assert run_job(job_id, "slow").outcome == "lost"
            assert run_job(job_id, "fast").outcome == "done"
    assert FIRED == [0]


def test_failures_back_off_then_become_an_incident_an_admin_can_retry(app, as_user):
    schedule(app, 1, fail=True)
    moment = NOW
    with app.app_context():
        for attempt in range(1, 6):
            with freeze_time(moment):
                [result] = work_once("w", batch=1)
                assert result.outcome == ("incident" if attempt == 5 else "failed")
                job = db.session.scalars(select(DueJob)).one()
                assert (job.attempts, job.last_error) == (attempt, "RuntimeError: boom")
                assert job.lock_owner is None
                if attempt < 5:
                    assert job.next_attempt_at > moment
                    assert work_once("w", batch=1) == []  # not before the backoff
                moment = job.next_attempt_at
        assert job.status == INCIDENT
        db.session.remove()
    admin = as_user("admin")
    incidents = admin.get("/api/v1/incidents").get_json()["items"]
    assert [(i["kind"], i["attempts"]) for i in incidents] == [("test.record", 5)]
    assert as_user("handler").get("/api/v1/incidents").status_code == 403
    retried = admin.post(f"/api/v1/incidents/{incidents[0]['id']}/retry")
    assert retried.status_code == 200 and retried.get_json()["status"] == PENDING
    assert admin.get("/api/v1/incidents").get_json()["items"] == []


def test_scheduling_with_a_dedupe_key_moves_the_existing_job(app):
    with app.app_context():
        first = schedule_job("test.record", NOW, payload={"n": 1}, dedupe_key="case:1:review")
        db.session.commit()
        second = schedule_job("test.record", NOW + timedelta(days=1), payload={"n": 2}, dedupe_key="case:1:review")
        db.session.commit()
        assert first.id == second.id
        assert db.session.scalar(select(func.count(DueJob.id))) == 1
        assert db.session.get(DueJob, first.id).payload == {"n": 2}


def test_a_preparation_runs_before_the_jobs_transaction_and_hands_its_result_over(app):
    """register_job_handler(prepare=...): the slow part runs outside the job's write transaction."""
    seen = {}

    def prepare(payload):
        from review_service.extensions import read_only_transactions
        seen["read_only"] = read_only_transactions.get()  # SQLite: a deferred BEGIN, no write lock
        return payload["n"] * 10

    def handle(job):
        seen["prepared"] = job.prepared

    register_job_handler("test.prepared", handle, prepare=prepare)
    with app.app_context():
        schedule_job("test.prepared", NOW - timedelta(minutes=1), payload={"n": 4})
        db.session.commit()
        with freeze_time(NOW):
            assert [r.outcome for r in work_once("w")] == ["done"]
    assert seen == {"read_only": True, "prepared": 40}
