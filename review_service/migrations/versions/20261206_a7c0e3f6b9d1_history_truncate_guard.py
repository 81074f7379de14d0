"""case_events: PostgreSQL refuses TRUNCATE too (UPDATE and DELETE were already refused).

SQLite has no TRUNCATE (its DELETE without WHERE fires the existing row triggers).

Revision ID: a7c0e3f6b9d1
Revises: b8d1f4a7c0e6
Create Date: 2026-12-06
"""
from alembic import op

revision = 'a7c0e3f6b9d1'
down_revision = 'b8d1f4a7c0e6'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
                      FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only()""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS case_events_no_truncate ON case_events")
