"""Dated FX rates; disputes and memos freeze the rate they used

The rates that were constants in code (CAD 0.73, MXN 0.055) become the first dated rows of
fx_rates, effective from 2000-01-01, so every existing amount keeps its value; each dispute and
memo on file is given that rate as the one it used. New rates arrive by the FX feed.

Revision ID: c04a0001fx
Revises: c03a0001gl
Create Date: 2026-12-07 09:40:00

"""
from datetime import UTC, date, datetime

from alembic import op
import sqlalchemy as sa

revision = 'c04a0001fx'
down_revision = 'c03a0001gl'
branch_labels = None
depends_on = None

FIRST_DAY = date(2000, 1, 1)
STANDING = {"USD": 1_000_000, "CAD": 730_000, "MXN": 55_000}  # micros of USD per unit
SOURCE = "standing rate (formerly in code)"


def _case(column: str) -> str:
    arms = " ".join(f"WHEN '{c}' THEN {micros}" for c, micros in STANDING.items())
    return f"CASE {column} {arms} END"


def upgrade():
    table = op.create_table(
        'fx_rates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('rate_micros', sa.BigInteger(), nullable=False),
        sa.Column('source', sa.String(length=80), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('currency', 'effective_on', name='uq_fx_rates_day'),
    )
    at = datetime(2026, 12, 7, tzinfo=UTC)
    op.bulk_insert(table, [
        {"currency": c, "effective_on": FIRST_DAY, "rate_micros": micros, "source": SOURCE,
         "recorded_at": at}
        for c, micros in STANDING.items() if c != "USD"
    ])
    for name in ('disputes', 'credit_memos'):
        if name == 'disputes':
            op.add_column(name, sa.Column('reporting_amount', sa.BigInteger(), nullable=True))
        op.add_column(name, sa.Column('fx_rate', sa.BigInteger(), nullable=True))
        op.add_column(name, sa.Column('fx_rate_on', sa.Date(), nullable=True))
    # Half up, as the code rounded: amounts are positive, so (a * r + 500000) / 1e6 in integers.
    op.execute(
        f"UPDATE disputes SET fx_rate = {_case('currency')}, fx_rate_on = '{FIRST_DAY}', "
        f"reporting_amount = (disputed_amount * {_case('currency')} + 500000) / 1000000"
    )
    op.execute(f"UPDATE credit_memos SET fx_rate = {_case('currency')}, fx_rate_on = '{FIRST_DAY}'")


def downgrade():
    for name in ('credit_memos', 'disputes'):
        with op.batch_alter_table(name) as batch_op:
            batch_op.drop_column('fx_rate_on')
            batch_op.drop_column('fx_rate')
            if name == 'disputes':
                batch_op.drop_column('reporting_amount')
    op.drop_table('fx_rates')
