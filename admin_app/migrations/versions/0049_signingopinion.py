"""the resident's opinions and suggestions, asked at signing: work_order.signing_opinion

The after-sales rules (第二十二条) have the technician ask the resident, as he signs, for his
opinions and suggestions on the service. They were asked only at the next day's revisit; the
words said at the door are kept on the order, printed on its slip and shown to whoever calls
back.

Revision ID: 0049_signingopinion
Revises: 0048_staffmessage
Create Date: 2026-12-07 07:30:00

"""

import sqlalchemy as sa
from alembic import op


revision = "0049_signingopinion"
down_revision = "0048_staffmessage"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("work_order") as batch_op:
        batch_op.add_column(sa.Column("signing_opinion", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("work_order") as batch_op:
        batch_op.drop_column("signing_opinion")
