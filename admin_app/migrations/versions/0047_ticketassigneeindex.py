"""the tickets assigned to a person: ticket (assignee_id, status)

The dashboard's card "tickets assigned to you" and the list a batch's one message links to
read the working tickets whose assignee is the user. The index by assignee alone read every
ticket the person was ever given (a receptionist's years of closed calls) to find the open
ones; the pair answers both that and what the single column served (a staff member's tickets).

Revision ID: 0047_ticketassigneeindex
Revises: 0046_ticketownerindex
Create Date: 2026-12-07 04:00:00

"""

from alembic import op


revision = "0047_ticketassigneeindex"
down_revision = "0046_ticketownerindex"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_ticket_assignee_status", "ticket", ["assignee_id", "status"])
    op.drop_index("ix_ticket_assignee_id", table_name="ticket")


def downgrade():
    op.create_index("ix_ticket_assignee_id", "ticket", ["assignee_id"])
    op.drop_index("ix_ticket_assignee_status", table_name="ticket")
