"""run_job takes the case lock before the job row, in the order a request completing a task does.

The other order deadlocked against requests with two web nodes and two workers (bench/multi_node.py):
the request holds the case and deletes the case's jobs while the worker holds a job and waits for the case.
"""
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import event

from review_service.extensions import db
from review_service.jobs.registry import register_job_handler
from review_service.jobs.service import claim_due_jobs, run_job, schedule_job

from ..factories import PG_URL

NOW = datetime(2026, 10, 9, 1, 0, tzinfo=UTC)


def _noop(job):
    pass


register_job_handler("test.lock_order", _noop)


@pytest.mark.skipif(not PG_URL, reason="row locks (FOR UPDATE) exist on PostgreSQL only")
@freeze_time(NOW)
def test_run_job_locks_the_case_before_the_job(app, as_user):
    case = as_user("handler").submit()
    statements = []
    with app.app_context():
        job = schedule_job("test.lock_order", NOW - timedelta(minutes=1), case_id=case["id"])
        db.session.commit()
        job_id = job.id
        claim_due_jobs("w1", limit=50)
        db.session.commit()
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        assert run_job(job_id, "w1").outcome == "done"
        db.session.remove()
    locks = [s for s in statements if "FOR UPDATE" in s]
    tables = ["cases" if "FROM cases" in s else "due_jobs" if "FROM due_jobs" in s else s for s in locks]
    assert tables[:2] == ["cases", "due_jobs"], locks
