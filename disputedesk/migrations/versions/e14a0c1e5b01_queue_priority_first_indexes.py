"""queue indexes for the priority-first order (priority, then SLA due, then age)

Revision ID: e14a0c1e5b01
Revises: a10e0002post
Create Date: 2026-12-01 22:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e14a0c1e5b01'
down_revision = 'a10e0002post'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index('ix_disputes_my_queue_priority', ['assignee_id', 'priority', 'next_due_at', 'filed_at', 'id'], unique=False)
        batch_op.create_index('ix_disputes_team_queue_priority', ['team_id', 'queue_band', 'priority', 'next_due_at', 'filed_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_index('ix_disputes_team_queue_priority')
        batch_op.drop_index('ix_disputes_my_queue_priority')
