"""GL accounts per GL reason, for the journal export

Each GL reason names the account a credit memo debits (contra-revenue) and the one it credits
(receivables); a reversal posts the opposite. Seeded with a default chart an admin can change.

Revision ID: c03a0001gl
Revises: c02a0001ledger
Create Date: 2026-12-07 09:00:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

revision = 'c03a0001gl'
down_revision = 'c02a0001ledger'
branch_labels = None
depends_on = None

RECEIVABLES = "1200 Accounts receivable"
DEFAULTS = {
    "billing_adjustment": "4910 Billing adjustments",
    "rate_correction": "4920 Rate corrections",
    "delivery_shortfall": "4930 Delivery shortfall credits",
    "invalid_traffic": "4940 Invalid traffic credits",
    "makegood": "4950 Make-good credits",
    "duplicate_invoice": "4960 Duplicate invoice reversals",
    "tax_correction": "2300 Sales tax payable",
}


def upgrade():
    table = op.create_table(
        'gl_accounts',
        sa.Column('gl_reason', sa.String(length=40), nullable=False),
        sa.Column('debit_account', sa.String(length=40), nullable=False),
        sa.Column('credit_account', sa.String(length=40), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('gl_reason'),
    )
    at = datetime(2026, 12, 7, tzinfo=UTC)
    op.bulk_insert(table, [
        {"gl_reason": reason, "debit_account": account, "credit_account": RECEIVABLES,
         "description": "seeded default", "updated_at": at}
        for reason, account in DEFAULTS.items()
    ])


def downgrade():
    op.drop_table('gl_accounts')
