"""a team's business hours and working days, editable on the admin screen

Revision ID: b13e7c2d4f10
Revises: b14d5a7e0c11
Create Date: 2026-12-02 02:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b13e7c2d4f10"
down_revision = "b14d5a7e0c11"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("teams") as batch:
        batch.add_column(
            sa.Column("hours", sa.String(length=11), nullable=False, server_default="09:00-17:00")
        )
        batch.add_column(
            sa.Column("workdays", sa.String(length=7), nullable=False, server_default="1111100")
        )


def downgrade():
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("workdays")
        batch.drop_column("hours")
