"""The reserve policy for revenue at risk, and the accounts its journal books to

Bands of (reason, from an age in days, rate in basis points), seeded with a default policy an
admin can change; the GL accounts gain the reserve's pair (expense against the allowance).

Revision ID: c05a0001reserve
Revises: c04a0001fx
Create Date: 2026-12-07 12:00:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

revision = 'c05a0001reserve'
down_revision = 'c04a0001fx'
branch_labels = None
depends_on = None

# Every reason: a tenth of a fresh dispute's open amount, rising with age; duplicates are
# nearly always credited, so they are reserved high from the start.
DEFAULT = [("*", 0, 1000), ("*", 31, 2500), ("*", 61, 5000), ("*", 91, 7500),
           ("duplicate_billing", 0, 8000)]


def upgrade():
    table = op.create_table(
        'reserve_bands',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=40), nullable=False),
        sa.Column('from_days', sa.Integer(), nullable=False),
        sa.Column('rate_bp', sa.Integer(), nullable=False),
        sa.Column('set_by', sa.String(length=254), nullable=False),
        sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('reason', 'from_days', name='uq_reserve_bands_start'),
    )
    at = datetime(2026, 12, 7, tzinfo=UTC)
    op.bulk_insert(table, [
        {"reason": reason, "from_days": start, "rate_bp": rate, "set_by": "seeded default",
         "set_at": at}
        for reason, start, rate in DEFAULT
    ])
    op.bulk_insert(sa.table(
        'gl_accounts', sa.column('gl_reason'), sa.column('debit_account'),
        sa.column('credit_account'), sa.column('description'), sa.column('updated_at'),
    ), [{"gl_reason": "revenue_at_risk_reserve",
         "debit_account": "4990 Dispute reserve expense",
         "credit_account": "1290 Allowance for disputed billings",
         "description": "seeded default", "updated_at": at}])


def downgrade():
    op.execute("DELETE FROM gl_accounts WHERE gl_reason = 'revenue_at_risk_reserve'")
    op.drop_table('reserve_bands')
