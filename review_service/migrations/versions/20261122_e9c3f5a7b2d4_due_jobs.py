"""due jobs for the worker

Revision ID: e9c3f5a7b2d4
Revises: f13b7dfe8043
Create Date: 2026-11-22 20:20:00

"""
from alembic import op
import sqlalchemy as sa

import review_service.db_types

# revision identifiers, used by Alembic.
revision = 'e9c3f5a7b2d4'
down_revision = 'f13b7dfe8043'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('due_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('due_at', review_service.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', review_service.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('lock_owner', sa.String(length=100), nullable=True),
    sa.Column('lock_expires_at', review_service.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', review_service.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_due_jobs_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_due_jobs')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_due_jobs_dedupe_key'))
    )
    with op.batch_alter_table('due_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_due_jobs_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_due_jobs_lock_expires_at'), ['lock_expires_at'], unique=False)
        batch_op.create_index('ix_due_jobs_claimable', ['status', 'next_attempt_at'], unique=False)


def downgrade():
    op.drop_table('due_jobs')
