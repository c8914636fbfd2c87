"""ERP posting of reversals: the ERP's reference and posting time on each reversal

Revision ID: c01a0001post
Revises: 0466575a97a7
Create Date: 2026-12-07 05:50:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'c01a0001post'
down_revision = '0466575a97a7'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN and CREATE INDEX: no table rebuild on SQLite.
    op.add_column('reversals', sa.Column('external_ref', sa.String(length=80), nullable=True))
    op.add_column('reversals', sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_reversals_external_ref', 'reversals', ['external_ref'], unique=True)


def downgrade():
    op.drop_index('ix_reversals_external_ref', table_name='reversals')
    with op.batch_alter_table('reversals') as batch_op:
        batch_op.drop_column('posted_at')
        batch_op.drop_column('external_ref')
