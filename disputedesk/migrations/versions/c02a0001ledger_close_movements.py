"""The close's ledger: dated movements of each dispute's open amount

The roll-forward is read from movements posted when they happen (filed, credited, upheld,
withdrawn, reopened, reversed, adjusted) instead of from each case's current state, so no later
change rewrites a past month. Existing cases are posted by `flask close backfill`.

Revision ID: c02a0001ledger
Revises: c01a0001post
Create Date: 2026-12-07 08:20:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'c02a0001ledger'
down_revision = 'c01a0001post'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'close_movements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dispute_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('reporting_amount', sa.BigInteger(), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_close_movements_dispute_id', 'close_movements', ['dispute_id'])
    op.create_index('ix_close_movements_day', 'close_movements', ['day', 'kind', 'currency'],
                    postgresql_include=['amount', 'reporting_amount'])
    op.add_column('dispute_fact_states', sa.Column('ledger', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('dispute_fact_states') as batch_op:
        batch_op.drop_column('ledger')
    op.drop_index('ix_close_movements_day', table_name='close_movements')
    op.drop_index('ix_close_movements_dispute_id', table_name='close_movements')
    op.drop_table('close_movements')
