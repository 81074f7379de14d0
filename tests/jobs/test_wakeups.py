"""Idle workers: when a job can next be leased, the idle back-off, and PostgreSQL's NOTIFY wake-ups."""
import threading
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select, text

from review_service.extensions import db
from review_service.jobs import worker
from review_service.jobs.models import JobQueue
from review_service.jobs.registry import register_job_handler
from review_service.jobs.service import LEASE, claim_due_jobs, schedule_job
from review_service.jobs.wakeups import DueJobListener, IdleWait, channel, next_claimable_at

from ..factories import PG_URL

NOW = datetime(2026, 10, 9, 1, 0, tzinfo=UTC)
DONE: list[int] = []
DEFAULT = (JobQueue.DEFAULT.value,)

register_job_handler("test.wakeup", lambda job: DONE.append(job.payload["n"]))
postgresql_only = pytest.mark.skipif(not PG_URL, reason="NOTIFY is PostgreSQL's")


def add_job(due_at: datetime, n: int = 0, kind: str = "test.wakeup"):
    job = schedule_job(kind, due_at, payload={"n": n})
    db.session.commit()
    return job


def test_the_next_claimable_time_is_the_earliest_unleased_job_or_lease_to_expire(app):
    with app.app_context(), freeze_time(NOW):
        assert next_claimable_at(DEFAULT, NOW) is None
        add_job(NOW + timedelta(hours=2))
        assert next_claimable_at(DEFAULT, NOW) == NOW + timedelta(hours=2)
        add_job(NOW - timedelta(minutes=1))
        assert claim_due_jobs("other", limit=1) != []  # leased: not claimable before its lease ends
        db.session.commit()
        assert next_claimable_at(DEFAULT, NOW) == NOW + LEASE
        assert next_claimable_at((JobQueue.DOCUMENTS.value,), NOW) is None  # another queue's jobs do not count
    with app.app_context():  # the lease expired (its worker crashed): claimable since its next attempt
        assert next_claimable_at(DEFAULT, NOW + LEASE + timedelta(seconds=1)) == NOW - timedelta(minutes=1)


def test_polling_backs_off_exponentially_and_never_sleeps_past_the_next_due_job():
    idle = IdleWait(0.2, 1.6)
    assert [idle.seconds(None, notified=False) for _ in range(6)] == [0.2, 0.4, 0.8, 1.6, 1.6, 1.6]
    assert idle.seconds(0.5, notified=False) == 0.5
    idle.reset()
    assert idle.seconds(None, notified=False) == 0.2
    assert idle.seconds(None, notified=True) == 1.6  # woken by NOTIFY: the longest wait is only a backstop
    assert idle.seconds(0.7, notified=True) == 0.7
    assert idle.seconds(-3, notified=True) == 0.05  # due but held by another transaction: look again soon


def test_the_worker_runs_what_is_due_then_waits_until_the_next_job_comes_due(app, monkeypatch):
    DONE.clear()
    waits: list[float] = []
    stop = threading.Event()

    def wait(listener, seconds, _stop):
        waits.append(seconds)
        stop.set()
        return listener
    monkeypatch.setattr(worker, "_wait", wait)
    with app.app_context(), freeze_time(NOW):
        add_job(NOW - timedelta(seconds=5), n=1)
        add_job(NOW + timedelta(seconds=30), n=2)
        done = worker.run_worker("w", batch=10, poll_seconds=0.2, stop=stop, queues=DEFAULT, max_wait_seconds=60)
    assert (done, DONE) == (1, [1])
    # PostgreSQL listens: it sleeps until the next job; SQLite polls after the shortest wait
    assert waits == [30.0] if PG_URL else waits == [0.2]


@postgresql_only
def test_a_job_due_within_five_minutes_notifies_its_queue_when_committed_and_leasing_does_not(app):
    with app.app_context():
        listener = DueJobListener(DEFAULT)
        try:
            listener.connection.execute("LISTEN test_sentinel")
            database_now = db.session.scalar(select(func.now()))
            db.session.rollback()
            add_job(database_now + timedelta(days=1))  # found by the worker's own wake-up, not notified
            add_job(database_now - timedelta(seconds=1))
            with freeze_time(database_now):
                assert len(claim_due_jobs("w", limit=5)) == 1
                db.session.commit()
            add_job(database_now + timedelta(minutes=3))
            db.session.execute(text("NOTIFY test_sentinel"))  # delivered after the others (commit order)
            db.session.commit()
            received = []
            for note in listener.connection.notifies(timeout=10):
                received.append(note.channel)
                if note.channel == "test_sentinel":
                    break
        finally:
            listener.close()
    assert received == [channel(JobQueue.DEFAULT), channel(JobQueue.DEFAULT), "test_sentinel"]


@postgresql_only
def test_a_listening_worker_wakes_when_a_job_comes_due(app):
    with app.app_context():
        listener = DueJobListener(DEFAULT)
        try:
            add_job(db.session.scalar(select(func.now())) - timedelta(seconds=1))
            assert listener.wait(60, threading.Event()) is True  # at once: the notification is there
        finally:
            listener.close()
