"""An index on the memos' issue time: a month's credits report, journal and close read by it

Revision ID: c08a0001issued
Revises: c07a0001hooks
Create Date: 2026-12-07 13:30:00

"""
from alembic import op

revision = 'c08a0001issued'
down_revision = 'c07a0001hooks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_credit_memos_issued_at', 'credit_memos', ['issued_at'], unique=False)


def downgrade():
    op.drop_index('ix_credit_memos_issued_at', table_name='credit_memos')
