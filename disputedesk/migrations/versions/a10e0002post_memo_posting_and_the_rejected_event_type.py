"""memo posting to the ERP (external_ref, posted_at); the misspelt credit_memo_rejectd event type

Revision ID: a10e0002post
Revises: a10e0001micr
Create Date: 2026-12-01 22:15:00

The audit chain's hashes are not recomputed: each corrected event keeps the type it was
written with in `written_type`, and the hash goes on covering that (app/services/audit.py).
"""
from alembic import op
import sqlalchemy as sa


revision = 'a10e0002post'
down_revision = 'a10e0001micr'
branch_labels = None
depends_on = None

WRONG, RIGHT = 'credit_memo_rejectd', 'credit_memo_rejected'
FIX = f"UPDATE events SET written_type = '{WRONG}', type = '{RIGHT}' WHERE type = '{WRONG}'"


def upgrade():
    with op.batch_alter_table('credit_memos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_ref', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_credit_memos_external_ref'), ['external_ref'])
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('written_type', sa.String(length=40), nullable=True))
    op.execute(FIX)


def downgrade():
    op.execute(f"UPDATE events SET type = written_type WHERE written_type = '{WRONG}'")
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('written_type')
    with op.batch_alter_table('credit_memos', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_credit_memos_external_ref'), type_='unique')
        batch_op.drop_column('posted_at')
        batch_op.drop_column('external_ref')
