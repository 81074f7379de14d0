"""Upgrading a database that already holds data (what an agency's server has) from the last released schema."""
import uuid

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from review_service import create_app
from review_service.extensions import db

from .factories import PG_URL

RELEASED_HEAD = "e9c3f5a7b2d4"  # the schema before working days, deadlines, notifications and staffing
ROWS = [
    "INSERT INTO agencies (id, code, name, level, parent_id, created_at) VALUES (1, 'city', '市局', 'city', NULL, "
    "'2026-11-01 00:00:00')",
    "INSERT INTO users (id, agency_id, username, full_name, password_hash, is_active, failed_logins, created_at) "
    "VALUES (1, 1, 'handler', '张承办', 'x', true, 0, '2026-11-01 00:00:00')",
    "INSERT INTO cases (id, agency_id, case_number, title, decision_type, party_type, party_name, proposed_decision, "
    "fine_amount, confiscation_amount, sanctions, hearing_held, complexity, review_required, review_required_reasons, "
    "status, round, history_seq, history_hash, handler_id, created_at, updated_at) VALUES (1, 1, 'A-1', '案', "
    "'administrative_penalty', 'legal_person', '某公司', '罚款', 150000, 0, '[]', false, '{}', true, '[]', "
    "'awaiting_acceptance', 1, 0, '0', 1, '2026-11-01 00:00:00', '2026-11-01 00:00:00')",
    "INSERT INTO tasks (id, case_id, agency_id, name, title, kind, lane, role, form_key, round, status, created_at) "
    "VALUES ('t-1', 1, 1, 'accept_submission', '受理审查', 'acceptance', 'review_unit', 'reviewer', "
    "'accept_submission.schema.json', 1, 'open', '2026-11-01 00:00:00')",
]


@pytest.fixture
def scratch_url(tmp_path):
    """An empty database of its own: a SQLite file, or a scratch PostgreSQL database dropped afterwards."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'upgrade.db'}"
        return
    name = f"upgrade_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    yield "postgresql+psycopg://" + PG_URL.split("://", 1)[1].rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(PG_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE {name} WITH (FORCE)")


def test_a_database_with_cases_upgrades_to_head_and_keeps_them(scratch_url, tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_url, "ATTACHMENTS_DIR": tmp_path})
    with app.app_context():
        upgrade(revision=RELEASED_HEAD)
        for statement in ROWS:
            db.session.execute(text(statement))
        db.session.commit()
        upgrade(revision="heads")
        kept = db.session.execute(text("SELECT c.case_number, t.engine_task, a.grandfather_pre_2021_reviewers "
                                       "FROM cases c JOIN tasks t ON t.case_id = c.id "
                                       "JOIN agencies a ON a.id = c.agency_id")).one()
        db.session.remove()
        db.engine.dispose()
    assert tuple(kept) == ("A-1", True, True)
