"""login name: failed logins under names no account has, counted like an account's

Revision ID: 0016_harden
Revises: 0015_price
Create Date: 2026-12-02 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0016_harden"
down_revision = "0015_price"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_name",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_login_name")),
    )


def downgrade():
    op.drop_table("login_name")
