"""province scale (issue 18): indexes for the dashboard, the case list and 已办; trigram search where it exists

Revision ID: 8ed0f7b701ca
Revises: 55eb5b52080b
Create Date: 2026-12-06 04:00:00

Measured on bench/province_data.py's 500,000 cases (bench/README.md, "Province-sized database").
The trigram (pg_trgm) GIN indexes serve the case list's ILIKE '%...%' search by number, title and party;
they are made only on PostgreSQL with the extension installed or installable (it is a trusted extension
from PostgreSQL 13, so the database owner may create it). Elsewhere (SQLite, or no pg_trgm) the search
stays a plain ILIKE scan, and nothing fails. They are not in the models (SQLAlchemy has no portable
spelling), so model comparisons skip them by name: review_service.cases.models.TRIGRAM_INDEXES.
"""
from alembic import op
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

# revision identifiers, used by Alembic.
revision = '8ed0f7b701ca'
down_revision = '55eb5b52080b'
branch_labels = None
depends_on = None

TRIGRAM_INDEXES = {"ix_cases_case_number_trgm": "case_number", "ix_cases_title_trgm": "title",
                   "ix_cases_party_name_trgm": "party_name"}


def _trigrams_available(bind) -> bool:
    """pg_trgm is installed, or could be installed now (in a savepoint, so a refusal changes nothing)."""
    if bind.dialect.name != "postgresql":
        return False
    if bind.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).scalar():
        return True
    if not bind.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).scalar():
        return False
    try:
        with bind.begin_nested():
            bind.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except DBAPIError:
        return False
    return True


def upgrade():
    op.create_index('ix_cases_agency_status', 'cases', ['agency_id', 'status'])
    op.create_index('ix_cases_created_at', 'cases', ['created_at'])
    op.create_index('ix_tasks_completed', 'tasks', ['status', 'completed_at'])
    op.create_index('ix_tasks_completed_by', 'tasks', ['completed_by_id', 'completed_at'])
    bind = op.get_bind()
    if _trigrams_available(bind):
        for name, column in TRIGRAM_INDEXES.items():
            op.create_index(name, 'cases', [column], postgresql_using='gin',
                            postgresql_ops={column: 'gin_trgm_ops'})


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index('ix_tasks_completed_by', table_name='tasks')
    op.drop_index('ix_tasks_completed', table_name='tasks')
    op.drop_index('ix_cases_created_at', table_name='cases')
    op.drop_index('ix_cases_agency_status', table_name='cases')
