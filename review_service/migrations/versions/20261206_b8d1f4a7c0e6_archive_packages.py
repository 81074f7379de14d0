"""archive packages: the case file (案卷) ZIPs built after archiving or on demand

Revision ID: b8d1f4a7c0e6
Revises: a7c0e3f6b9d4
Create Date: 2026-12-06 01:30:00

"""
from alembic import op
import sqlalchemy as sa

from review_service.db_types import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'b8d1f4a7c0e6'
down_revision = 'a7c0e3f6b9d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'archive_packages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('trigger', sa.String(length=16), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('stored_as', sa.String(length=255), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('chain_seq', sa.Integer(), nullable=False),
        sa.Column('chain_hash', sa.String(length=64), nullable=False),
        sa.Column('files', sa.Integer(), nullable=False),
        sa.Column('built_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id', 'version'),
    )
    with op.batch_alter_table('archive_packages') as batch_op:
        batch_op.create_index('ix_archive_packages_case_id', ['case_id'])


def downgrade():
    op.drop_table('archive_packages')
