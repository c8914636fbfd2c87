"""Webhook secret rotation with an overlap window: the secret before, and until when it signs

Revision ID: c07a0001hooks
Revises: c06a0001rebill
Create Date: 2026-12-07 13:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'c07a0001hooks'
down_revision = 'c06a0001rebill'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('webhook_subscriptions', sa.Column('previous_secret', sa.String(length=128),
                                                     nullable=True))
    op.add_column('webhook_subscriptions', sa.Column('previous_secret_until',
                                                     sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('webhook_subscriptions') as batch:
        batch.drop_column('previous_secret_until')
        batch.drop_column('previous_secret')
