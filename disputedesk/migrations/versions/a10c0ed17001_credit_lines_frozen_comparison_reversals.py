"""credit lines per invoice line, frozen comparison on memos, reversals with their own numbers

Revision ID: a10c0ed17001
Revises: f4568ad902aa
Create Date: 2026-12-01 21:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a10c0ed17001'
down_revision = 'f4568ad902aa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('credit_memos') as batch:
        batch.add_column(sa.Column('justification', sa.Text(), nullable=True))
        batch.add_column(sa.Column('above_proposal', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('comparison', sa.JSON(), nullable=True))
    op.create_table(
        'credit_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('memo_id', sa.Integer(), nullable=False),
        sa.Column('invoice_line_id', sa.Integer(), nullable=False),
        sa.Column('disputed_amount', sa.BigInteger(), nullable=False),
        sa.Column('proposed_amount', sa.BigInteger(), nullable=True),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['invoice_line_id'], ['invoice_lines.id']),
        sa.ForeignKeyConstraint(['memo_id'], ['credit_memos.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('memo_id', 'invoice_line_id'),
    )
    op.create_index('ix_credit_lines_invoice_line_id', 'credit_lines', ['invoice_line_id'])
    op.create_table(
        'reversals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('memo_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=20), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('reversed_by_id', sa.Integer(), nullable=False),
        sa.Column('reversed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('rule', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['memo_id'], ['credit_memos.id']),
        sa.ForeignKeyConstraint(['reversed_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('memo_id'),
        sa.UniqueConstraint('number'),
    )
    op.create_index('ix_reversals_reversed_at', 'reversals', ['reversed_at'])
    op.create_table(
        'reversal_sequences',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last_number', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year'),
    )


def downgrade():
    op.drop_table('reversal_sequences')
    op.drop_index('ix_reversals_reversed_at', table_name='reversals')
    op.drop_table('reversals')
    op.drop_index('ix_credit_lines_invoice_line_id', table_name='credit_lines')
    op.drop_table('credit_lines')
    with op.batch_alter_table('credit_memos') as batch:
        batch.drop_column('comparison')
        batch.drop_column('above_proposal')
        batch.drop_column('justification')
