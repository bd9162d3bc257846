"""ticket lists and name searches answered from indexes led by the estate

Revision ID: 0033_honestbench
Revises: 0030_perfbulk
Create Date: 2026-12-03 14:00:00

PostgreSQL only (SQLite has no INCLUDE; its indexes stay as they are).

A month and a category, sorted by number, for a supervisor of ten estates: each estate's range
of (estate_id, category, received_at, id) found the month's tickets, but their numbers were in
the table: 2,800 table pages visited for one page of the list (126–284 ms p95 at 1M tickets).
The ticket list's estate indexes now carry the columns a list filters and sorts by (number,
category, status, channel), so any of those filters with a date range and any sort is read
from the index alone.

A surname search on tickets or work orders ("张", one in ten callers) walked every estate's
matches in the name index and dropped the others' (98k index rows for a supervisor of ten
estates); the name indexes led by the estate read only the user's.
"""

from alembic import op

revision = "0033_honestbench"
down_revision = "0032_importfloor"
branch_labels = None
depends_on = None

CARRIED = ("number", "category", "status", "channel")
# index: its columns; it also carries those of CARRIED it does not lead with
TICKET_LISTS = {
    "ix_ticket_estate_received": ("estate_id", "received_at", "id"),
    "ix_ticket_estate_status_received": ("estate_id", "status", "received_at", "id"),
    "ix_ticket_estate_category_list": ("estate_id", "category", "received_at", "id"),
    "ix_ticket_estate_channel_list": ("estate_id", "channel", "received_at", "id"),
    "ix_ticket_estate_number_list": ("estate_id", "number", "received_at", "id"),
}
# name: (table, name column, the list's default order)
NAME_SEARCHES = {
    "pgx_ticket_estate_reporter_name_prefix": ("ticket", "reporter_name", "received_at"),
    "pgx_work_order_estate_contact_name_prefix": ("work_order", "contact_name", "created_at"),
}


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _ticket_lists(carry: bool) -> None:
    for name, columns in TICKET_LISTS.items():
        extra = [c for c in CARRIED if c not in columns] if carry else []
        include = f" INCLUDE ({', '.join(extra)})" if extra else ""
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON ticket ({', '.join(columns)}){include}")


def upgrade():
    if not _postgresql():
        return
    _ticket_lists(carry=True)
    for name, (table, column, order) in NAME_SEARCHES.items():
        op.execute(
            f"CREATE INDEX {name} ON {table} (estate_id, {column} text_pattern_ops) "
            f"INCLUDE ({order}, id)"
        )


def downgrade():
    if not _postgresql():
        return
    for name in NAME_SEARCHES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    _ticket_lists(carry=False)
