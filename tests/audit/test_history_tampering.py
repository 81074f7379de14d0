"""Every way of altering a case's history we know of is refused by the database or detected by the chain.

Methods: UPDATE, DELETE of a middle event, DELETE of the tail, TRUNCATE, editing the payload, appending a
forged event, disabling the triggers as the service's database role. "Refused" is the database's answer
to the service's own connection; "detected" is what the history API and `flask review verify-history`
report once someone with more rights (the table owner, a superuser, a file editor) bypassed the refusal.
"""
import os
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from review_service.extensions import db

POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))
SERVICE_ROLE = "review_history_probe"  # NOLOGIN, the grants docker/db-init gives the service role


@pytest.fixture
def case_id(as_user):
    handler, reviewer = as_user("handler"), as_user("reviewer")
    case = handler.submit()
    reviewer.complete(case["id"], "accept_submission", {"result": "accept"})
    history = reviewer.get(f"/api/v1/cases/{case['id']}/history").get_json()
    assert history["chain_intact"] and len(history["events"]) >= 3
    return case["id"]


def _history(as_user, case_id):
    return as_user("reviewer").get(f"/api/v1/cases/{case_id}/history").get_json()


def _refused(app, sql: str, **params) -> str:
    """Run `sql` as the service does; the database's refusal text (the statement must fail)."""
    with app.app_context():
        with pytest.raises(DBAPIError) as refused:
            db.session.execute(text(sql), params)
        db.session.rollback()
    return str(refused.value.orig)


@contextmanager
def _bypassing_the_guard(app):
    """A connection on which the append-only triggers do not fire: a superuser (PostgreSQL) or
    someone editing the file who drops the triggers (SQLite)."""
    with app.app_context():
        if POSTGRES:
            db.session.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for verb in ("update", "delete"):
                db.session.execute(text(f"DROP TRIGGER case_events_no_{verb}"))
        yield db.session
        db.session.commit()


def _last_seq(app, case_id):
    with app.app_context():
        return db.session.scalar(text("SELECT max(seq) FROM case_events WHERE case_id = :c"), {"c": case_id})


def test_update_is_refused(app, case_id):
    assert "append-only" in _refused(app, "UPDATE case_events SET action = 'x' WHERE case_id = :c", c=case_id)


@pytest.mark.parametrize("where", ["seq = 2", "seq = (SELECT max(seq) FROM case_events)"], ids=["middle", "tail"])
def test_delete_is_refused(app, case_id, where):
    assert "append-only" in _refused(app, f"DELETE FROM case_events WHERE case_id = :c AND {where}", c=case_id)


@pytest.mark.skipif(not POSTGRES, reason="SQLite has no TRUNCATE")
def test_truncate_is_refused(app, case_id):
    assert "append-only" in _refused(app, "TRUNCATE case_events CASCADE")


def test_a_deleted_middle_event_is_detected(app, as_user, runner, case_id):
    with _bypassing_the_guard(app) as session:
        session.execute(text("DELETE FROM case_events WHERE case_id = :c AND seq = 2"), {"c": case_id})
    history = _history(as_user, case_id)
    assert history["chain_intact"] is False and history["broken_at_seq"] == 2
    _assert_cli_names(runner, case_id, 2)


def test_a_deleted_tail_is_detected(app, as_user, runner, case_id):
    last = _last_seq(app, case_id)
    with _bypassing_the_guard(app) as session:
        session.execute(text("DELETE FROM case_events WHERE case_id = :c AND seq >= :s"), {"c": case_id, "s": last - 1})
    history = _history(as_user, case_id)
    assert history["chain_intact"] is False and history["broken_at_seq"] == last - 1
    _assert_cli_names(runner, case_id, last - 1)


def test_an_emptied_history_is_detected(app, as_user, runner, case_id):
    with _bypassing_the_guard(app) as session:
        session.execute(text("TRUNCATE case_events" if POSTGRES else "DELETE FROM case_events"))
    history = _history(as_user, case_id)
    assert history["chain_intact"] is False and history["broken_at_seq"] == 1
    _assert_cli_names(runner, case_id, 1)


def test_an_edited_payload_is_detected(app, as_user, runner, case_id):
    with _bypassing_the_guard(app) as session:
        session.execute(text("UPDATE case_events SET actor_name = '别人' WHERE case_id = :c AND seq = 3"),
                        {"c": case_id})
    assert _history(as_user, case_id)["broken_at_seq"] == 3
    _assert_cli_names(runner, case_id, 3)


def test_an_appended_forged_event_is_detected(app, as_user, runner, case_id):
    """INSERT is the service's right; an event the case's head does not count is reported."""
    last = _last_seq(app, case_id)
    with app.app_context():
        db.session.execute(text(
            "INSERT INTO case_events (case_id, seq, occurred_at, actor_name, action, round, data, prev_hash, hash) "
            "SELECT case_id, seq + 1, occurred_at, actor_name, 'decision.recorded', round, data, hash, hash "
            "FROM case_events WHERE case_id = :c AND seq = :s"), {"c": case_id, "s": last})
        db.session.commit()
    assert _history(as_user, case_id)["broken_at_seq"] == last + 1
    _assert_cli_names(runner, case_id, last + 1)


def test_verify_history_passes_intact_cases(runner, case_id):
    result = runner.invoke(args=["review", "verify-history"])
    assert result.exit_code == 0, result.output
    assert "1 cases checked, 0 broken" in result.output


def _assert_cli_names(runner, case_id, seq):
    result = runner.invoke(args=["review", "verify-history"])
    assert result.exit_code == 1
    assert f"case {case_id} (" in result.output and f"history broken at entry {seq}" in result.output


@pytest.fixture
def as_service_role(app):
    """The service's connection under the docker/db-init grants: no table owned, no superuser."""
    with app.app_context():
        db.session.execute(text(f"DROP ROLE IF EXISTS {SERVICE_ROLE}"))  # left by an interrupted run
        db.session.execute(text(f"CREATE ROLE {SERVICE_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS"))
        db.session.execute(text(f"GRANT USAGE ON SCHEMA public TO {SERVICE_ROLE}"))
        db.session.execute(text("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                                f"TO {SERVICE_ROLE}"))
        db.session.commit()
    yield lambda sql: _refused_as_role(app, sql)
    with app.app_context():
        db.session.execute(text(f"DROP OWNED BY {SERVICE_ROLE}"))
        db.session.execute(text(f"DROP ROLE {SERVICE_ROLE}"))
        db.session.commit()


def _refused_as_role(app, sql):
    with app.app_context():
        db.session.execute(text(f"SET LOCAL ROLE {SERVICE_ROLE}"))
        with pytest.raises(DBAPIError) as refused:
            db.session.execute(text(sql))
        db.session.rollback()
    return str(refused.value.orig)


@pytest.mark.skipif(not POSTGRES, reason="database roles are PostgreSQL's")
@pytest.mark.parametrize("sql, refusal", [
    ("ALTER TABLE case_events DISABLE TRIGGER case_events_no_update", "must be owner of table case_events"),
    ("ALTER TABLE case_events DISABLE TRIGGER ALL", "must be owner of table case_events"),
    ("DROP TRIGGER case_events_no_update ON case_events", "must be owner of"),
    ("SET session_replication_role = replica", "permission denied"),
    ("TRUNCATE case_events", "permission denied"),
    ("DELETE FROM case_events", "append-only"),
    ("UPDATE case_events SET actor_name = 'x'", "append-only"),
])
def test_the_service_role_cannot_switch_the_guard_off(as_service_role, case_id, sql, refusal):
    assert refusal in as_service_role(sql)
