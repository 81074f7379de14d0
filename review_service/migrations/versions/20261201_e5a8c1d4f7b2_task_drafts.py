"""task drafts: save-draft of the web pages' long forms

Revision ID: e5a8c1d4f7b2
Revises: d4f7b0c3e6a9
Create Date: 2026-12-01 21:00:00

"""
from alembic import op
import sqlalchemy as sa

from review_service.db_types import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'e5a8c1d4f7b2'
down_revision = 'd4f7b0c3e6a9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'task_drafts',
        sa.Column('task_id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('saved_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_drafts_task_id_tasks')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_task_drafts_user_id_users')),
        sa.PrimaryKeyConstraint('task_id', 'user_id', name=op.f('pk_task_drafts')),
    )


def downgrade():
    op.drop_table('task_drafts')
