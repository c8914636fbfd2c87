"""search and sweep indexes: lower(invoice number) for prefixes; partial indexes for the sweep replace (status, due_at) and (status, at_risk_at); pending memos oldest first; (assignee, state, filed_at) for the workload

Revision ID: b15a0001scal
Revises: b13e7c2d4f10
Create Date: 2026-12-02 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b15a0001scal'
down_revision = 'b13e7c2d4f10'
branch_labels = None
depends_on = None

UNWARNED = "status = 'running' AND warned_at IS NULL"
RUNNING = "status = 'running' AND breached_at IS NULL"
PENDING = "status = 'pending_approval'"


def upgrade():
    op.create_index(
        'ix_invoices_number_lower', 'invoices', [sa.text('lower(number) text_pattern_ops')]
        if op.get_bind().dialect.name == 'postgresql' else [sa.text('lower(number)')],
    )
    op.create_index('ix_sla_clocks_unwarned_at_risk_at', 'sla_clocks', ['at_risk_at'],
                    postgresql_where=sa.text(UNWARNED), sqlite_where=sa.text(UNWARNED))
    op.create_index('ix_sla_clocks_running_due_at', 'sla_clocks', ['due_at'],
                    postgresql_where=sa.text(RUNNING), sqlite_where=sa.text(RUNNING))
    op.create_index('ix_credit_memos_pending_created', 'credit_memos', ['created_at', 'id'],
                    postgresql_where=sa.text(PENDING), sqlite_where=sa.text(PENDING))
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index('ix_disputes_assignee_state_filed',
                              ['assignee_id', 'state', 'filed_at'])
        batch_op.drop_index('ix_disputes_assignee_state')
    with op.batch_alter_table('sla_clocks', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_clocks_status_due_at')
        batch_op.drop_index('ix_sla_clocks_status_at_risk_at')


def downgrade():
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index('ix_disputes_assignee_state', ['assignee_id', 'state'])
        batch_op.drop_index('ix_disputes_assignee_state_filed')
    with op.batch_alter_table('sla_clocks', schema=None) as batch_op:
        batch_op.create_index('ix_sla_clocks_status_at_risk_at', ['status', 'at_risk_at'])
        batch_op.create_index('ix_sla_clocks_status_due_at', ['status', 'due_at'])
    op.drop_index('ix_credit_memos_pending_created', table_name='credit_memos')
    op.drop_index('ix_sla_clocks_running_due_at', table_name='sla_clocks')
    op.drop_index('ix_sla_clocks_unwarned_at_risk_at', table_name='sla_clocks')
    op.drop_index('ix_invoices_number_lower', table_name='invoices')
