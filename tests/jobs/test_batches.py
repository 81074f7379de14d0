"""Batch leasing and running (kinds with a preloader): exactly once with two racing workers, a failing job
does not take the others of its batch with it, and slow jobs wait in their own queue."""
import threading
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select, text

from review_service.extensions import db
from review_service.jobs.models import PENDING, DueJob, JobQueue
from review_service.jobs.registry import register_job_handler
from review_service.jobs.service import schedule_job
from review_service.jobs.worker import work_once

NOW = datetime(2026, 10, 9, 1, 0, tzinfo=UTC)
PRELOADED: list[int] = []  # how many jobs each preload call saw


def preload(jobs):
    PRELOADED.append(len(jobs))
    for job in jobs:
        job.prepared = "preloaded"


def fire(job):
    """Database work only, as a batchable kind must be: a row in test_fired, rolled back with its batch."""
    assert job.prepared == "preloaded"
    if job.payload.get("fail"):
        raise RuntimeError("boom")
    db.session.execute(text("INSERT INTO test_fired (n) VALUES (:n)"), {"n": job.payload["n"]})


register_job_handler("test.batched", fire, preload=preload)


@pytest.fixture
def fired_table(app):
    with app.app_context():
        db.session.execute(text("CREATE TABLE test_fired (n INTEGER NOT NULL)"))
        db.session.commit()
    yield
    with app.app_context():
        db.session.execute(text("DROP TABLE test_fired"))
        db.session.commit()


def fired(app) -> list[int]:
    with app.app_context():
        return sorted(db.session.scalars(text("SELECT n FROM test_fired")))


def schedule(app, count, **payload):
    with app.app_context():
        for n in range(count):
            schedule_job("test.batched", NOW - timedelta(minutes=1), payload={"n": n, **payload})
        db.session.commit()


def test_two_workers_leasing_batches_fire_each_job_exactly_once(app, fired_table):
    PRELOADED.clear()
    schedule(app, 120)
    barrier = threading.Barrier(2)
    done = {}

    def worker(name):
        with app.app_context():
            barrier.wait()
            count = 0
            while results := work_once(name, batch=9):
                count += sum(r.outcome == "done" for r in results)
            done[name] = count
            db.session.remove()
    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    with freeze_time(NOW):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert fired(app) == list(range(120))  # each once: no job lost, none done twice
    assert sum(done.values()) == 120
    assert max(PRELOADED) > 1  # they really ran as batches
    with app.app_context():
        assert db.session.scalar(select(func.count(DueJob.id))) == 0


def test_a_failing_job_does_not_lose_the_others_of_its_batch(app, fired_table):
    schedule(app, 5)
    with app.app_context():
        bad = schedule_job("test.batched", NOW - timedelta(minutes=2), payload={"n": 99, "fail": True})
        db.session.commit()
        bad_id = bad.id
        with freeze_time(NOW):
            results = work_once("w", batch=10)
        assert sorted(r.outcome for r in results) == ["done"] * 5 + ["failed"]
        assert [r.error for r in results if r.job_id == bad_id] == ["RuntimeError: boom"]
        job = db.session.scalars(select(DueJob).execution_options(populate_existing=True)).one()
        assert (job.id, job.status, job.attempts, job.lock_owner) == (bad_id, PENDING, 1, None)
        assert job.next_attempt_at > NOW
    assert fired(app) == list(range(5))  # once each: the rolled-back first pass left nothing behind


def test_slow_jobs_have_their_own_queue_and_never_delay_a_batch_of_timers(app, fired_table):
    ran = []
    register_job_handler("test.slow", lambda job: ran.append(job.payload["n"]), prepare=lambda payload: None)
    with app.app_context():
        slow = schedule_job("test.slow", NOW - timedelta(hours=1), payload={"n": 1})  # older than the timers
        assert slow.queue == JobQueue.DOCUMENTS
        db.session.commit()
    schedule(app, 3)
    with app.app_context(), freeze_time(NOW):
        assert len(work_once("timers", batch=3, queues=(JobQueue.DEFAULT,))) == 3
        assert ran == []  # a default-queue worker leaves it
        schedule_job("test.batched", NOW - timedelta(minutes=1), payload={"n": 3})
        db.session.commit()
        # a worker of both queues: a full batch of timers first, the slow job only when timers are not waiting
        assert [r.outcome for r in work_once("both", batch=1)] == ["done"] and ran == []
        assert [r.outcome for r in work_once("both", batch=1)] == ["done"] and ran == [1]
    assert fired(app) == [0, 1, 2, 3]
