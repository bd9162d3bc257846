"""search indexes answer the page by themselves

Revision ID: 0011_search_covering
Revises: 0010_queue_indexes
Create Date: 2026-11-23 23:25:00

PostgreSQL only. The name and phone search indexes (0006) found the matches, but the estate
check, the list's order and the id were in the table: PostgreSQL preferred walking the whole
list in date order and testing each row (ticket search 张 for a regional supervisor: 73 ms,
and 44 ms more to count). Carrying them, the matches are read, checked, sorted and counted
from the index alone (5 ms each).
"""

from alembic import op

revision = "0011_search_covering"
down_revision = "0010_queue_indexes"
branch_labels = None
depends_on = None

# name: (table, indexed expression, what it carries besides)
SEARCH_INDEXES = {
    "pgx_ticket_reporter_name_prefix": ("ticket", "reporter_name", "received_at"),
    "pgx_ticket_reporter_phone_prefix": ("ticket", "reporter_phone", "received_at"),
    "pgx_ticket_reporter_phone_suffix": ("ticket", "reverse(reporter_phone)", "received_at"),
    "pgx_work_order_contact_name_prefix": ("work_order", "contact_name", "created_at"),
    "pgx_work_order_contact_phone_prefix": ("work_order", "contact_phone", "created_at"),
    "pgx_work_order_contact_phone_suffix": (
        "work_order",
        "reverse(contact_phone)",
        "created_at",
    ),
    "pgx_resident_name_prefix": ("resident", "name", None),
    "pgx_resident_phone_prefix": ("resident", "phone", None),
    "pgx_resident_phone_suffix": ("resident", "reverse(phone)", None),
}


def _rebuild(covering: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (table, expression, order) in SEARCH_INDEXES.items():
        carried = ", ".join(c for c in ("estate_id", order, "id") if c)
        include = f" INCLUDE ({carried})" if covering else ""
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON {table} ({expression} text_pattern_ops){include}")


def upgrade():
    _rebuild(covering=True)


def downgrade():
    _rebuild(covering=False)
