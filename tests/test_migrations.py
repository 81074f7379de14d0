"""The Alembic migrations build exactly the models' schema, and history rows cannot be changed."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from review_service.extensions import db


def test_migrated_schema_matches_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_database_refuses_to_rewrite_history(app, as_user):
    case = as_user("handler").submit()
    with app.app_context():
        for statement in ("UPDATE case_events SET action = 'forged' WHERE case_id = :id",
                          "DELETE FROM case_events WHERE case_id = :id"):
            with pytest.raises(DatabaseError, match="append-only"):
                db.session.execute(text(statement), {"id": case["id"]})
            db.session.rollback()
    history = as_user("handler").get(f"/api/v1/cases/{case['id']}/history").get_json()
    assert [e["action"] for e in history["events"]] == ["case.submitted", "deadline.started"]
    assert history["chain_intact"]


def test_a_forged_event_breaks_the_chain(app, as_user):
    from review_service.audit.models import CaseEvent
    from review_service.audit.service import case_history, verify_chain
    case = as_user("handler").submit()
    as_user("reviewer").complete(case["id"], "accept_submission", {"result": "accept"})
    with app.app_context():
        events = case_history(case["id"])
        head = {"head_seq": events[-1].seq, "head_hash": events[-1].hash}
        assert verify_chain(events, **head) is None
        db.session.expunge_all()
        forged = [CaseEvent(**{c.name: getattr(e, c.name) for c in CaseEvent.__table__.columns}) for e in events]
        forged[0].data = {**forged[0].data, "review_required": False}
        assert verify_chain(forged, **head) == 1
