"""indexes for what the work leaves behind: deliveries, inbox, gate checks, vehicle passes

Revision ID: 0013_trail_indexes
Revises: 0012_batch_progress
Create Date: 2026-11-24 02:00:00

Measured once the bench dataset also held a year of reminders (447k), their deliveries (559k)
and the gate's checks (174k): the deliveries list had no index for its order, so a regional
supervisor's first page read every delivery (66 ms; sorted by status 437 ms); searching the
gate's checks or the vehicle passes by number or plate read every row of the user's estates
(93-103 ms, 38 ms); a busy inbox (14k entries) was sorted whole for each page (18 ms). The
deliveries get list indexes like every other list (carrying the estate on PostgreSQL), the
inbox one in its order; on PostgreSQL only (pgx_*), the searched plates and codes get trigram
indexes (any part of three or more characters) and pattern indexes (shorter: from the start).
"""

from alembic import op

revision = "0013_trail_indexes"
down_revision = "0012_batch_progress"
branch_labels = None
depends_on = None

INCLUDE = {"postgresql_include": ["estate_id"]}
DELIVERY_INDEXES = [("ix_reminder_delivery_created_id", ["created_at", "id"])] + [
    (f"ix_reminder_delivery_{c}_created_id", [c, "created_at", "id"])
    for c in ("channel", "status", "last_attempt_at")
]
PG_INDEXES = {
    "pgx_gate_check_pass_number_trgm": "gate_check USING gin (pass_number gin_trgm_ops)",
    "pgx_gate_check_scanned_trgm": "gate_check USING gin (scanned gin_trgm_ops)",
    "pgx_gate_check_scanned_prefix": "gate_check (scanned text_pattern_ops)",
    "pgx_vehicle_pass_number_trgm": "vehicle_pass USING gin (number gin_trgm_ops)",
    "pgx_vehicle_pass_plate_trgm": "vehicle_pass USING gin (plate gin_trgm_ops)",
    "pgx_vehicle_pass_plate_prefix": "vehicle_pass (plate text_pattern_ops)",
}


def upgrade():
    with op.batch_alter_table("reminder_delivery", schema=None) as batch_op:
        for name, columns in DELIVERY_INDEXES:
            batch_op.create_index(name, columns, unique=False, **INCLUDE)
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notification_staff_created", ["staff_id", "created_at", "id"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        for name, target in PG_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON {target}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in PG_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_staff_created")
    with op.batch_alter_table("reminder_delivery", schema=None) as batch_op:
        for name, _ in DELIVERY_INDEXES:
            batch_op.drop_index(name)
