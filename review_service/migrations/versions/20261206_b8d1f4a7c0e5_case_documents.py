"""case documents (审核意见书, 送审表, 协调/集体讨论记录) and per-agency document number counters (文号)

Revision ID: b8d1f4a7c0e5
Revises: a7c0e3f6b9d1
Create Date: 2026-12-06 02:00:00

"""
from alembic import op
import sqlalchemy as sa

import review_service.db_types

# revision identifiers, used by Alembic.
revision = 'b8d1f4a7c0e5'
down_revision = 'a7c0e3f6b9d1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('subject', sa.String(length=100), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=100), nullable=True),
        sa.Column('context', sa.JSON(), nullable=False),
        sa.Column('template', sa.String(length=300), nullable=True),
        sa.Column('template_sha256', sa.String(length=64), nullable=True),
        sa.Column('docx', sa.LargeBinary(), nullable=True),
        sa.Column('docx_sha256', sa.String(length=64), nullable=True),
        sa.Column('pdf', sa.LargeBinary(), nullable=True),
        sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
        sa.Column('pdf_status', sa.String(length=16), nullable=False),
        sa.Column('pdf_attempts', sa.Integer(), nullable=False),
        sa.Column('pdf_error', sa.Text(), nullable=True),
        sa.Column('created_at', review_service.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('rendered_at', review_service.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('converted_at', review_service.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_case_documents_agency_id_agencies')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_documents_case_id_cases')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_case_documents_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_documents')),
        sa.UniqueConstraint('case_id', 'subject', 'version', name=op.f('uq_case_documents_case_id')),
    )
    with op.batch_alter_table('case_documents') as batch_op:
        batch_op.create_index(batch_op.f('ix_case_documents_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_documents_case_id'), ['case_id'], unique=False)
    op.create_table(
        'document_counters',
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('series', sa.String(length=32), nullable=False),
        sa.Column('last_seq', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_document_counters_agency_id_agencies')),
        sa.PrimaryKeyConstraint('agency_id', 'year', 'series', name=op.f('pk_document_counters')),
    )


def downgrade():
    op.drop_table('document_counters')
    with op.batch_alter_table('case_documents') as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_documents_case_id'))
        batch_op.drop_index(batch_op.f('ix_case_documents_agency_id'))
    op.drop_table('case_documents')
