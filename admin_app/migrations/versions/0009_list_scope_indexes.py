"""list indexes carry the estate

Revision ID: 0009_list_scope_indexes
Revises: 0008_audit_sorting
Create Date: 2026-11-23 23:00:00

A list page for someone who sees some of the estates walks a sort index and skips the rows of
the other estates. Without the estate in the index every skipped row was a visit to the table
(page 200 of the tickets: 20,000 visits, 61 ms; with it: an index-only scan, 8 ms). The
existing list indexes gain INCLUDE (estate_id) on PostgreSQL; the lists that had no index for
their order (units, passes, renovations, gate checks, reminders, residents newest first) get one.
"""

from alembic import op

revision = "0009_list_scope_indexes"
down_revision = "0008_audit_sorting"
branch_labels = None
depends_on = None

INCLUDE = {"postgresql_include": ["estate_id"]}

# (table, index, columns) of the list indexes that exist since 0006/0008.
EXISTING = [
    ("ticket", "ix_ticket_received_id", ["received_at", "id"]),
    ("ticket", "ix_ticket_category_received", ["category", "received_at", "id"]),
    ("ticket", "ix_ticket_status_received", ["status", "received_at", "id"]),
    ("ticket", "ix_ticket_channel_received", ["channel", "received_at", "id"]),
    ("ticket", "ix_ticket_severity_received", ["severity", "received_at", "id"]),
    ("ticket", "ix_ticket_validity_received", ["validity", "received_at", "id"]),
    ("work_order", "ix_work_order_created_id", ["created_at", "id"]),
    ("work_order", "ix_work_order_status_created", ["status", "created_at", "id"]),
    ("work_order", "ix_work_order_kind_created", ["kind", "created_at", "id"]),
    ("work_order", "ix_work_order_trade_created", ["trade", "created_at", "id"]),
    ("work_order", "ix_work_order_emergency_created", ["is_emergency", "created_at", "id"]),
    (
        "work_order",
        "ix_work_order_appointment_created",
        ["appointment_at", "created_at", "id"],
    ),
    ("resident", "ix_resident_name_id", ["name", "id"]),
    ("resident", "ix_resident_phone_id", ["phone", "id"]),
    ("resident", "ix_resident_role_id", ["role", "id"]),
    ("audit_record", "ix_audit_record_at_id", ["at", "id"]),
    ("audit_record", "ix_audit_record_action_at", ["action", "at", "id"]),
    ("audit_record", "ix_audit_record_entity_type_at", ["entity_type", "at", "id"]),
    ("reminder", "ix_reminder_due_id", ["due_at", "id"]),
]


def _new() -> list[tuple[str, str, list[str]]]:
    new = [
        ("resident", "ix_resident_recent", ["id"]),
        ("resident", "ix_resident_move_in_id", ["move_in", "id"]),
        ("resident", "ix_resident_move_out_id", ["move_out", "id"]),
        ("unit", "ix_unit_building_room", ["building", "room", "id"]),
        ("renovation", "ix_renovation_created_id", ["created_at", "id"]),
        ("gate_check", "ix_gate_check_checked_id", ["checked_at", "id"]),
        ("gate_check", "ix_gate_check_result_checked", ["result", "checked_at", "id"]),
        ("gate_check", "ix_gate_check_kind_checked", ["pass_kind", "checked_at", "id"]),
    ]
    new += [
        ("unit", f"ix_unit_{c}_building", [c, "building", "id"])
        for c in ("floor", "room", "area_m2", "kind", "occupancy")
    ]
    new += [
        ("renovation", f"ix_renovation_{c}_created", [c, "created_at", "id"])
        for c in ("status", "planned_start", "planned_end")
    ]
    new += [
        ("reminder", f"ix_reminder_{c}_due_id", [c, "due_at", "id"])
        for c in ("rule", "deadline_at", "status")
    ]
    for table in ("worker_pass", "vehicle_pass", "release_pass"):
        new.append((table, f"ix_{table}_created_id", ["created_at", "id"]))
        new += [
            (table, f"ix_{table}_{c}_created", [c, "created_at", "id"])
            for c in ("status", "valid_from", "valid_until")
        ]
    return new


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table, name, columns in EXISTING:
            op.drop_index(name, table_name=table)
            op.create_index(name, table, columns, **INCLUDE)
    for table, name, columns in _new():
        op.create_index(name, table, columns, **INCLUDE)


def downgrade():
    for table, name, _ in reversed(_new()):
        op.drop_index(name, table_name=table)
    if op.get_bind().dialect.name == "postgresql":
        for table, name, columns in EXISTING:
            op.drop_index(name, table_name=table)
            op.create_index(name, table, columns)
