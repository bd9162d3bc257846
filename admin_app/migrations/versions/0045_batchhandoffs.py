"""a batch's hand-offs told once per person: reminder.items, action_batch.to_tell

A supervisor's batch dispatch told the technician of every order on its own: an inbox entry,
and a text message each, forty for forty orders. The batch now tallies them as its chunks run
(action_batch.to_tell) and, as it ends, tells each person once: "40 work orders are dispatched
to you". The reminder keeps how many records it announces (reminder.items).

Revision ID: 0045_batchhandoffs
Revises: 0044_dutygateindexes
Create Date: 2026-12-07 01:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = "0045_batchhandoffs"
down_revision = "0044_dutygateindexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.add_column(sa.Column("items", sa.Integer(), nullable=True))
    with op.batch_alter_table("action_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("to_tell", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("action_batch", schema=None) as batch_op:
        batch_op.drop_column("to_tell")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_column("items")
