"""saved views of the team queue, per person

Revision ID: b14d5a7e0c11
Revises: a11f0c7e5d01
Create Date: 2026-12-02 02:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b14d5a7e0c11"
down_revision = "a11f0c7e5d01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "saved_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_saved_views_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_saved_views"),
        sa.UniqueConstraint("user_id", "name", name="uq_saved_views_user_id_name"),
    )


def downgrade():
    op.drop_table("saved_views")
