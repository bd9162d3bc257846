"""action batch: when it last made progress (a batch lost with its job is resumed)

Revision ID: 0012_batch_progress
Revises: 0011_search_covering
Create Date: 2026-11-23 23:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012_batch_progress"
down_revision = "0011_search_covering"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("action_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("progress_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("action_batch", schema=None) as batch_op:
        batch_op.drop_column("progress_at")
