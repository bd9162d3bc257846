"""a call forwarded by the company: ticket.company_ref, company_reported_at, company_report

A resident's complaint sent to the company and passed on to the office is logged with the
company's reference; once handled, its result is reported back to the company in writing
(001 四(二)1③), and when and how that was done is kept. The channel's new value needs no
change to the column (a string of up to 32 characters).

Revision ID: 0051_companyforwarded
Revises: 0050_lendingbox
Create Date: 2026-12-07 07:20:00

"""

import sqlalchemy as sa
from alembic import op


revision = "0051_companyforwarded"
down_revision = "0050_lendingbox"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ticket") as batch_op:
        batch_op.add_column(sa.Column("company_ref", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("company_reported_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("company_report", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("ticket") as batch_op:
        batch_op.drop_column("company_report")
        batch_op.drop_column("company_reported_at")
        batch_op.drop_column("company_ref")
