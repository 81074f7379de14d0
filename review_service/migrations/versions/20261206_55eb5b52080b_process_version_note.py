"""process versions: the change note the designer gives when publishing

Revision ID: 55eb5b52080b
Revises: 6450da460430
Create Date: 2026-12-06 03:50:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '55eb5b52080b'
down_revision = '6450da460430'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_versions') as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('process_versions') as batch_op:
        batch_op.drop_column('note')
