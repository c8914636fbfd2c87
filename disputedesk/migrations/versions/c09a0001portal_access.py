"""The advertiser portal: which advertisers each advertiser or agency person sees

Revision ID: c09a0001portal
Revises: c08a0001issued
Create Date: 2026-12-07 15:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c09a0001portal'
down_revision = 'c08a0001issued'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'portal_access',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('advertiser_id', sa.Integer(), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=False),
        sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['advertiser_id'], ['advertisers.id']),
        sa.ForeignKeyConstraint(['invited_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('user_id', 'advertiser_id'),
    )
    op.create_index('ix_portal_access_advertiser_id', 'portal_access', ['advertiser_id'])


def downgrade():
    op.drop_index('ix_portal_access_advertiser_id', table_name='portal_access')
    op.drop_table('portal_access')
