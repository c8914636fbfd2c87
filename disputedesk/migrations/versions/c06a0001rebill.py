"""Credit and rebill: a memo can ask the billing system for a corrected invoice, tracked to it

Revision ID: c06a0001rebill
Revises: c05a0001reserve
Create Date: 2026-12-07 12:30:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'c06a0001rebill'
down_revision = 'c05a0001reserve'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (SQLite has it): a batch copy of the table is not needed.
    op.add_column('credit_memos', sa.Column('rebill', sa.Boolean(), server_default=sa.false(),
                                            nullable=False))
    op.add_column('credit_memos', sa.Column('rebill_invoice', sa.String(length=40),
                                            nullable=True))
    op.add_column('credit_memos', sa.Column('rebilled_at', sa.DateTime(timezone=True),
                                            nullable=True))
    # The billing system's to-do list: issued memos still waiting for their corrected invoice.
    op.create_index('ix_credit_memos_rebill_pending', 'credit_memos', ['id'],
                    postgresql_where=sa.text('rebill AND rebill_invoice IS NULL'),
                    sqlite_where=sa.text('rebill AND rebill_invoice IS NULL'))


def downgrade():
    op.drop_index('ix_credit_memos_rebill_pending', table_name='credit_memos')
    with op.batch_alter_table('credit_memos') as batch:
        batch.drop_column('rebilled_at')
        batch.drop_column('rebill_invoice')
        batch.drop_column('rebill')
