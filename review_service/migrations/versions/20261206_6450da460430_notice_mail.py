"""notice e-mail: users' addresses and mail choices, agencies' SMTP servers, each notice's mail state

Revision ID: 6450da460430
Revises: b8d1f4a7c0e5
Create Date: 2026-12-06 02:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '6450da460430'
down_revision = 'b8d1f4a7c0e5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications') as batch_op:
        batch_op.add_column(sa.Column('mail_state', sa.String(length=16), nullable=True))
    op.execute("UPDATE notifications SET mail_state = 'none'")  # notices from before are never mailed
    op.create_index('ix_notifications_mail_state', 'notifications', ['mail_state'])
    op.create_table(
        'notice_preferences',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('mail_kinds', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('user_id'),
    )
    op.create_table(
        'agency_mail_servers',
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('port', sa.Integer(), nullable=False),
        sa.Column('sender', sa.String(length=254), nullable=False),
        sa.Column('starttls', sa.Boolean(), nullable=False),
        sa.Column('username', sa.String(length=254), nullable=True),
        sa.Column('password_env', sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.PrimaryKeyConstraint('agency_id'),
    )


def downgrade():
    op.drop_table('agency_mail_servers')
    op.drop_table('notice_preferences')
    op.drop_index('ix_notifications_mail_state', table_name='notifications')
    with op.batch_alter_table('notifications') as batch_op:
        batch_op.drop_column('mail_state')
