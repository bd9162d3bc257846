"""the complaints a person answers for: ticket (owner_id, status)

The dashboard's card "complaints you are responsible for" reads the working complaints whose
owner is the user; a director of every estate has no estate to narrow it by, so without an
index by owner the card walked all the company's complaints.

Revision ID: 0046_ticketownerindex
Revises: 0045_batchhandoffs
Create Date: 2026-12-07 02:00:00

"""

from alembic import op


revision = "0046_ticketownerindex"
down_revision = "0045_batchhandoffs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_ticket_owner_status", "ticket", ["owner_id", "status"])


def downgrade():
    op.drop_index("ix_ticket_owner_status", table_name="ticket")
