"""overlap entries of audit runs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 16:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('overlaps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('person', sa.Text(), nullable=False),
    sa.Column('tier', sa.String(length=10), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('roster_match', sa.Boolean(), nullable=False),
    sa.Column('memberships', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('fingerprints', sa.JSON(), nullable=False),
    sa.Column('remediation', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['audit_runs.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('overlaps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_overlaps_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_overlaps_subject_id'), ['subject_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('overlaps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_overlaps_subject_id'))
        batch_op.drop_index(batch_op.f('ix_overlaps_run_id'))

    op.drop_table('overlaps')
