"""queue indexes in the queues' own order

Revision ID: 0010_queue_indexes
Revises: 0009_list_scope_indexes
Create Date: 2026-11-23 23:20:00

PostgreSQL only. The dashboard's partial indexes (0006) held the live rows but not in the order
each card lists them, so the planner walked a wider index instead and filtered thousands of
closed rows (late technicians 26 ms, emergencies 22 ms, open complaints 22 ms). Each is now in
its card's order, ending in id, and carries the estate for the estate check.
"""

from alembic import op

revision = "0010_queue_indexes"
down_revision = "0009_list_scope_indexes"
branch_labels = None
depends_on = None

WORKING = "status IN ('open', 'in_progress', 'escalated')"
ORDER_OPEN = "status IN ('new', 'dispatched', 'arrived', 'quoted', 'in_progress', 'next_visit')"

# name: (table, columns now, columns before, condition); besides the estate, the complaints
# carry their status, so that counting the overdue (not yet resolved) reads the index alone.
QUEUE_INDEXES = {
    "pgx_ticket_live_callbacks": (
        "ticket",
        "callback_due_at, id",
        "callback_due_at",
        f"category = 'inquiry' AND {WORKING}",
    ),
    "pgx_ticket_live_complaints": (
        "ticket",
        "complaint_due_at, received_at, id",
        "complaint_due_at, received_at",
        "category = 'complaint' AND status IN ('open', 'in_progress', 'escalated', 'resolved')",
    ),
    "pgx_work_order_dispatched": (
        "work_order",
        "arrive_by, appointment_at, id",
        "appointment_at, arrive_by",
        "status = 'dispatched'",
    ),
    "pgx_work_order_to_revisit": (
        "work_order",
        "revisit_due_at, id",
        "revisit_due_at",
        "status = 'closed'",
    ),
    "pgx_work_order_open_emergencies": (
        "work_order",
        "created_at, id",
        "created_at",
        f"is_emergency AND {ORDER_OPEN}",
    ),
}


def _rebuild(now: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (table, columns, before, condition) in QUEUE_INDEXES.items():
        op.execute(f"DROP INDEX IF EXISTS {name}")
        carried = "estate_id, status" if table == "ticket" else "estate_id"
        include = f" INCLUDE ({carried})" if now else ""
        op.execute(
            f"CREATE INDEX {name} ON {table} ({columns if now else before}){include} "
            f"WHERE {condition}"
        )


def upgrade():
    _rebuild(now=True)


def downgrade():
    _rebuild(now=False)
