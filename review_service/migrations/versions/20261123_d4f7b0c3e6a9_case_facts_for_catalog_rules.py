"""case facts for catalog rules: discretion (减轻/从重), sector and source of the power; who published a process version

Revision ID: d4f7b0c3e6a9
Revises: c3e6a9b2d5f8
Create Date: 2026-11-23 08:16:47.819805

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4f7b0c3e6a9'
down_revision = 'c3e6a9b2d5f8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discretion', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('sector', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('power_source', sa.String(length=64), nullable=True))
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_process_versions_published_by_id_users'), 'users',
                                    ['published_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_process_versions_published_by_id_users'), type_='foreignkey')
        batch_op.drop_column('published_by_id')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('power_source')
        batch_op.drop_column('sector')
        batch_op.drop_column('discretion')
