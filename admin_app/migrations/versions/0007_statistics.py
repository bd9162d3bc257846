"""statistics indexes

Revision ID: 0007_statistics
Revises: 0006_performance
Create Date: 2026-11-23 20:05:00

"""

from alembic import op

revision = "0007_statistics"
down_revision = "0006_performance"
branch_labels = None
depends_on = None

# PostgreSQL only (pgx_*, see 0006): covering indexes for the statistics page, so each of its
# grouped queries reads one index range per estate and never the table (index-only scans).
# SQLite answers the same queries from the plain indexes, slower, which is fine at its scale.
PG_INDEXES = [
    "CREATE INDEX pgx_ticket_complaint_stats ON ticket (estate_id, received_at) "
    "INCLUDE (status, complaint_code, validity, severity, revisited_at, reported_back_at, "
    "complaint_due_at) WHERE category = 'complaint'",
    "CREATE INDEX pgx_work_order_revisit_stats ON work_order (estate_id, revisited_at) "
    "INCLUDE (technician_id, rating_timeliness, rating_quality, rating_fee, rating_attitude, "
    "satisfaction) WHERE revisited_at IS NOT NULL",
    "CREATE INDEX pgx_work_order_closed_stats ON work_order (estate_id, closed_at) "
    "INCLUDE (revisited_at) WHERE closed_at IS NOT NULL",
    "CREATE INDEX pgx_work_order_trade_stats ON work_order (estate_id, created_at) "
    "INCLUDE (trade, status, is_emergency)",
]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_INDEXES:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_INDEXES:
            op.execute("DROP INDEX IF EXISTS " + statement.split()[2])
