"""deadline cap facts: the Art. 60 cap kept as start + calendar days, so it can wait for next year's calendar

Revision ID: f6b9d2e5a8c3
Revises: e5a8c1d4f7b2
Create Date: 2026-12-05 02:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'f6b9d2e5a8c3'
down_revision = 'e5a8c1d4f7b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deadlines') as batch_op:
        batch_op.add_column(sa.Column('cap_from_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('cap_calendar_days', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('deadlines') as batch_op:
        batch_op.drop_column('cap_calendar_days')
        batch_op.drop_column('cap_from_on')
