"""the desk's note on escalating a ticket: ticket.escalation_note

Escalating a ticket with a note appended the note to what the resident asked for (request), so
the history, the printed complaint record and the export carried the desk's words as the
resident's. The note is now kept in a column of its own.

Revision ID: 0043_ticketescalationnote
Revises: 0042_homevisitvisitor
Create Date: 2026-12-07 12:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = "0043_ticketescalationnote"
down_revision = "0042_homevisitvisitor"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalation_note", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("escalation_note")
