"""flat costs at province scale (issue 18): a reviewer's load read from one index range

Revision ID: 66ca159c50bc
Revises: 403688bee2b9
Create Date: 2026-12-06 06:40:00

Measured on bench/province_data.py's data set (bench/README.md, "Issue 18: flat inbox, search and completion").
ix_tasks_review_load (assignee, role, completed_at, created_at): review assignment counts a reviewer's open
reviews and finds when they were last active from one short range each, instead of reading every review task
they ever had (staffing.assignment._review_load).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '66ca159c50bc'
down_revision = '403688bee2b9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tasks') as batch_op:
        batch_op.create_index('ix_tasks_review_load', ['assignee_id', 'role', 'completed_at', 'created_at'])


def downgrade():
    with op.batch_alter_table('tasks') as batch_op:
        batch_op.drop_index('ix_tasks_review_load')
