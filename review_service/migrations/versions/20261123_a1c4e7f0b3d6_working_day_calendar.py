"""working-day calendar: loaded year arrangements and agency adjustments

Revision ID: a1c4e7f0b3d6
Revises: e9c3f5a7b2d4
Create Date: 2026-11-23 07:15:07

"""
from alembic import op
import sqlalchemy as sa

import review_service.db_types

# revision identifiers, used by Alembic.
revision = 'a1c4e7f0b3d6'
down_revision = 'e9c3f5a7b2d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_arrangements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('notice', sa.String(length=200), nullable=False),
    sa.Column('source_file', sa.String(length=255), nullable=True),
    sa.Column('loaded_at', review_service.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_arrangements')),
    sa.UniqueConstraint('year', 'revision', name=op.f('uq_calendar_arrangements_year'))
    )
    with op.batch_alter_table('calendar_arrangements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_arrangements_year'), ['year'], unique=False)

    op.create_table('calendar_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_working_day', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', review_service.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_calendar_adjustments_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_adjustments'))
    )
    with op.batch_alter_table('calendar_adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_adjustments_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_adjustments_day'), ['day'], unique=False)

    op.create_table('calendar_arrangement_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('arrangement_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=True),
    sa.ForeignKeyConstraint(['arrangement_id'], ['calendar_arrangements.id'],
                            name=op.f('fk_calendar_arrangement_days_arrangement_id_calendar_arrangements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_arrangement_days')),
    sa.UniqueConstraint('arrangement_id', 'day', name=op.f('uq_calendar_arrangement_days_arrangement_id'))
    )
    with op.batch_alter_table('calendar_arrangement_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_arrangement_days_arrangement_id'), ['arrangement_id'],
                              unique=False)


def downgrade():
    op.drop_table('calendar_arrangement_days')
    op.drop_table('calendar_adjustments')
    op.drop_table('calendar_arrangements')
