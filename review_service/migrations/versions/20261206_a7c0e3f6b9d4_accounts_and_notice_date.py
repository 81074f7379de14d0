"""accounts: one-time passwords, deactivation time, account change log; calendar: notice date, example flag

Revision ID: a7c0e3f6b9d4
Revises: f6b9d2e5a8c3
Create Date: 2026-12-06 01:00:00

"""
from alembic import op
import sqlalchemy as sa

import review_service.db_types

# revision identifiers, used by Alembic.
revision = 'a7c0e3f6b9d4'
down_revision = 'f6b9d2e5a8c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('password_changed_at', review_service.db_types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('deactivated_at', review_service.db_types.UTCDateTime(timezone=True),
                                      nullable=True))
    op.create_table('account_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', review_service.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=100), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_account_events_actor_id_users')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_account_events_agency_id_agencies')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_events'))
    )
    with op.batch_alter_table('account_events') as batch_op:
        batch_op.create_index(batch_op.f('ix_account_events_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_events_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_events_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('calendar_arrangements') as batch_op:
        batch_op.add_column(sa.Column('notice_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('is_example', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('calendar_arrangements') as batch_op:
        batch_op.drop_column('is_example')
        batch_op.drop_column('notice_date')
    op.drop_table('account_events')
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('deactivated_at')
        batch_op.drop_column('password_changed_at')
        batch_op.drop_column('must_change_password')
