"""two dashboard cards read from small index ranges: ticket (received_by_id, status) for the
unassigned, and the open emergencies' partial index carrying their status

Measured on the bench's 1M tickets for the regional supervisor (10 estates): the card "calls
you see through" (assigned to you, or taken by you and given to nobody) read the estates'
4,500 open calls from the table to test the OR, 31 ms of the dashboard's count statement; with
this index beside (assignee_id, status) the OR is two index ranges, 0.1 ms. "Emergencies in
progress" leaves out those still waiting for a technician (status != 'new'): the partial index
now carries the status, so the card is counted from the index alone (4.9 → 0.1 ms).

Revision ID: 0052_dashboardcards
Revises: 0051_companyforwarded
Create Date: 2026-12-07 08:20:00

"""

import sqlalchemy as sa
from alembic import op


revision = "0052_dashboardcards"
down_revision = "0051_companyforwarded"
branch_labels = None
depends_on = None

OPEN = "'new', 'dispatched', 'arrived', 'quoted', 'in_progress', 'next_visit'"


def _open_emergencies(carried: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS pgx_work_order_open_emergencies")
    op.execute(
        f"CREATE INDEX pgx_work_order_open_emergencies ON work_order (created_at, id) "
        f"INCLUDE ({carried}) WHERE is_emergency AND status IN ({OPEN})"
    )


def upgrade():
    with op.batch_alter_table("ticket") as batch_op:
        batch_op.create_index(
            "ix_ticket_received_unassigned",
            ["received_by_id", "status"],
            postgresql_where=sa.text("assignee_id IS NULL"),
            sqlite_where=sa.text("assignee_id IS NULL"),
        )
    _open_emergencies("estate_id, status")


def downgrade():
    _open_emergencies("estate_id")
    with op.batch_alter_table("ticket") as batch_op:
        batch_op.drop_index("ix_ticket_received_unassigned")
