"""dashboard facts, each dispute's last contribution, and sealed months

Revision ID: a11f0c7e5d01
Revises: a10c0ed17001
Create Date: 2026-12-01 22:00:00

Existing disputes contribute once `flask --app wsgi insight rebuild` has run.
"""

from alembic import op
import sqlalchemy as sa


revision = 'a11f0c7e5d01'
down_revision = 'a10c0ed17001'
branch_labels = None
depends_on = None

FACT_KEY = ['kind', 'day', 'team_id', 'reason_code', 'product', 'currency', 'tier',
            'root_cause', 'label', 'bucket']


def upgrade():
    op.create_table(
        'dispute_facts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('reason_code', sa.String(length=40), nullable=False),
        sa.Column('product', sa.String(length=40), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('tier', sa.String(length=20), nullable=False),
        sa.Column('root_cause', sa.String(length=40), nullable=False),
        sa.Column('label', sa.String(length=40), nullable=False),
        sa.Column('bucket', sa.BigInteger(), nullable=False),
        sa.Column('n', sa.BigInteger(), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('reporting_amount', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ux_dispute_facts_key', 'dispute_facts', FACT_KEY, unique=True)
    op.create_table(
        'dispute_fact_states',
        sa.Column('dispute_id', sa.Integer(), nullable=False),
        sa.Column('product', sa.String(length=40), nullable=False),
        sa.Column('contributions', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id']),
        sa.PrimaryKeyConstraint('dispute_id'),
    )
    op.create_index(op.f('ix_dispute_fact_states_product'), 'dispute_fact_states', ['product'])
    op.create_table(
        'sealed_months',
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('sealed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sealed_by', sa.String(length=254), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('month'),
    )


def downgrade():
    op.drop_table('sealed_months')
    op.drop_index(op.f('ix_dispute_fact_states_product'), table_name='dispute_fact_states')
    op.drop_table('dispute_fact_states')
    op.drop_index('ux_dispute_facts_key', table_name='dispute_facts')
    op.drop_table('dispute_facts')
