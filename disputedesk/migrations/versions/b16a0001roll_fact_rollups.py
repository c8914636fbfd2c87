"""fact rollups: the dashboard facts by week over all but one filter dimension

Revision ID: b16a0001roll
Revises: b15a0001scal
Create Date: 2026-12-02 06:10:00

Filled from the daily facts already stored, in the one fold the write path uses.
"""

from datetime import date

from alembic import op
import sqlalchemy as sa

from disputedesk.workflows.insight import rolled_up


revision = 'b16a0001roll'
down_revision = 'b15a0001scal'
branch_labels = None
depends_on = None

FACT_KEY = ['kind', 'day', 'team_id', 'reason_code', 'product', 'currency', 'tier',
            'root_cause', 'label', 'bucket']
ROLLUP_KEY = ['cuboid', *FACT_KEY]
ROLLUP_INDEX = ['cuboid', 'kind', 'reason_code', 'product', 'currency', 'tier', 'team_id', 'day',
                'root_cause', 'label', 'bucket']  # the kept dimensions before the day
VALUES = ['n', 'amount', 'reporting_amount']


def upgrade():
    rollups = op.create_table(
        'dispute_fact_rollups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cuboid', sa.String(length=40), nullable=False),
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
    op.create_index('ux_dispute_fact_rollups_key', 'dispute_fact_rollups', ROLLUP_INDEX,
                    unique=True, postgresql_include=VALUES)  # index-only scans
    facts = sa.table('dispute_facts', *(sa.column(c) for c in FACT_KEY + VALUES))
    stored = {}
    for row in op.get_bind().execute(sa.select(*facts.c)):
        day = row.day if isinstance(row.day, date) else date.fromisoformat(row.day)
        stored[(row.kind, day.isoformat(), *row[2:10])] = tuple(row[10:])
    rows = []
    for key, value in sorted(rolled_up(stored).items()):
        row = dict(zip(ROLLUP_KEY + VALUES, (*key, *value), strict=True))
        rows.append({**row, 'day': date.fromisoformat(row['day'])})
    for start in range(0, len(rows), 5000):
        op.bulk_insert(rollups, rows[start:start + 5000])


def downgrade():
    op.drop_index('ux_dispute_fact_rollups_key', table_name='dispute_fact_rollups')
    op.drop_table('dispute_fact_rollups')
