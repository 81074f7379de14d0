"""due jobs: a queue (default / documents) so slow LibreOffice jobs never delay timers; PDF jobs get their case

Revision ID: 403688bee2b9
Revises: 8ed0f7b701ca
Create Date: 2026-12-06 04:00:00

"""
import json

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '403688bee2b9'
down_revision = '8ed0f7b701ca'
branch_labels = None
depends_on = None

SLOW_KINDS = ('documents.convert', 'archive.build')


def upgrade():
    with op.batch_alter_table('due_jobs') as batch_op:
        batch_op.add_column(sa.Column('queue', sa.String(length=16), nullable=False, server_default='default'))
        batch_op.drop_index('ix_due_jobs_claimable')
        batch_op.create_index('ix_due_jobs_claimable', ['status', 'queue', 'next_attempt_at'], unique=False)
    jobs = sa.table('due_jobs', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                    sa.column('queue', sa.String), sa.column('case_id', sa.Integer), sa.column('payload', sa.JSON))
    op.execute(jobs.update().where(jobs.c.kind.in_(SLOW_KINDS)).values(queue='documents'))
    bind = op.get_bind()
    # PDF conversions were scheduled without their case (an incident was visible to every agency's admin)
    for job_id, payload in bind.execute(sa.select(jobs.c.id, jobs.c.payload).where(
            jobs.c.kind == 'documents.convert', jobs.c.case_id.is_(None))).all():
        payload = json.loads(payload) if isinstance(payload, str) else payload
        if payload and payload.get('case_id') is not None:
            bind.execute(jobs.update().where(jobs.c.id == job_id).values(case_id=payload['case_id']))


def downgrade():
    with op.batch_alter_table('due_jobs') as batch_op:
        batch_op.drop_index('ix_due_jobs_claimable')
        batch_op.create_index('ix_due_jobs_claimable', ['status', 'next_attempt_at'], unique=False)
        batch_op.drop_column('queue')
