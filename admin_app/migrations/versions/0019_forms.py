"""tickets recorded after the fact (先處理後補辦手續)

Revision ID: 0019_forms
Revises: 0018_survey
Create Date: 2026-12-02 16:30:00

An emergency handled first and typed in afterwards is marked so; its deadlines run from the
real time of the event (occurred_at, already a column), not from when it was typed in.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_forms"
down_revision = "0018_survey"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ticket") as batch_op:
        batch_op.add_column(
            sa.Column("after_the_fact", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("ticket") as batch_op:
        batch_op.drop_column("after_the_fact")
