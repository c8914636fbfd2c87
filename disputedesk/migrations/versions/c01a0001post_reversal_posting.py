"""ERP posting of reversals, and the top approver

Each reversal gets the ERP's reference and posting time; a user may be the top approver (a
memo beyond every limit goes to them); an approval remembers whether it was given as the top
approver.

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
    op.add_column('users', sa.Column('top_approver', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index('uq_users_one_top_approver', 'users', ['top_approver'], unique=True,
                    postgresql_where=sa.text('top_approver'), sqlite_where=sa.text('top_approver'))
    op.add_column('approvals', sa.Column('as_top', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    op.drop_index('uq_users_one_top_approver', table_name='users')
    with op.batch_alter_table('approvals') as batch_op:
        batch_op.drop_column('as_top')
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('top_approver')
    op.drop_index('ix_reversals_external_ref', table_name='reversals')
    with op.batch_alter_table('reversals') as batch_op:
        batch_op.drop_column('posted_at')
        batch_op.drop_column('external_ref')
