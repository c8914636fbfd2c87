"""team queue by age: the team's open cases oldest first within each band, from an index

Revision ID: b17a0001age
Revises: b16a0001roll
Create Date: 2026-12-02 18:50:00
"""

from alembic import op


revision = 'b17a0001age'
down_revision = 'b16a0001roll'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_disputes_team_queue_age', 'disputes',
                    ['team_id', 'queue_band', 'filed_at', 'id'])


def downgrade():
    op.drop_index('ix_disputes_team_queue_age', table_name='disputes')
