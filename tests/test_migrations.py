"""The Alembic migrations build exactly the models' schema, and history rows cannot be changed."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from review_service.cases.models import TRIGRAM_INDEXES
from review_service.extensions import db


def _not_optional(obj, name, type_, _reflected, _compare_to) -> bool:
    """The trigram indexes exist only where PostgreSQL has pg_trgm (migration 8ed0f7b701ca)."""
    return not (type_ == "index" and name in TRIGRAM_INDEXES)


def test_migrated_schema_matches_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": _not_optional})
        assert compare_metadata(context, db.metadata) == []


def test_trigram_indexes_where_postgresql_has_pg_trgm(app):
    """On PostgreSQL with pg_trgm the case search has its GIN indexes; on SQLite the migration made none."""
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name != "postgresql":
            names = {row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))}
            assert not names & set(TRIGRAM_INDEXES)
            return
        available = connection.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).scalar()
        names = set(connection.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'cases'")))
        assert (names >= set(TRIGRAM_INDEXES)) == bool(available), names


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


def test_no_trigram_indexes_when_postgresql_lacks_pg_trgm():
    """The migration's check answers False (plain ILIKE, nothing created) when the extension is not there."""
    import importlib.util
    from pathlib import Path

    import review_service
    path = next((Path(review_service.__file__).parent / "migrations" / "versions").glob("*_8ed0f7b701ca_*.py"))
    spec = importlib.util.spec_from_file_location("scale_indexes", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)

    class Bind:  # a PostgreSQL connection where pg_trgm is neither installed nor available
        class dialect:
            name = "postgresql"

        def execute(self, _statement):
            class Result:
                def scalar(self):
                    return None
            return Result()
    assert migration._trigrams_available(Bind()) is False
