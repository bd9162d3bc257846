"""list indexes led by the estate; extended indexes end with id

Revision ID: 0029_perfpages
Revises: 0028_visitors
Create Date: 2026-12-03 08:00:00

A list sorted by a column for someone who sees some of the estates walked that column's
index over every estate and skipped the others' rows: a supervisor of the last estates
sorting tickets by number passed over the first estates' 250k numbers (1.4 s). Each list
now reads each of the user's estates as one range of an index led by the estate and merges
them (ListingMixin.get_list): per sort column (estate_id, column, default order, id), and
the default order itself. The estate indexes that already led with the column gain the id
(the list's last tie-breaker), so that a deep page is read in order without a sort.
"""

from alembic import op

revision = "0029_perfpages"
down_revision = "0028_visitors"
branch_labels = None
depends_on = None

# (table, index, columns after estate_id)
NEW = [
    ("audit_record", "ix_audit_record_estate_action_list", ["action", "at", "id"]),
    ("audit_record", "ix_audit_record_estate_entity_type_list", ["entity_type", "at", "id"]),
    ("cash_hand_in", "ix_cash_hand_in_estate_list", ["handed_in_at", "id"]),
    ("cash_hand_in", "ix_cash_hand_in_estate_number_list", ["number", "handed_in_at", "id"]),
    ("cash_hand_in", "ix_cash_hand_in_estate_total_list", ["total", "handed_in_at", "id"]),
    ("gate_check", "ix_gate_check_estate_pass_kind_list", ["pass_kind", "checked_at", "id"]),
    ("gate_check", "ix_gate_check_estate_result_list", ["result", "checked_at", "id"]),
    ("reminder", "ix_reminder_estate_deadline_at_list", ["deadline_at", "due_at", "id"]),
    ("reminder", "ix_reminder_estate_list", ["due_at", "id"]),
    ("reminder", "ix_reminder_estate_rule_list", ["rule", "due_at", "id"]),
    ("reminder", "ix_reminder_estate_status_list", ["status", "due_at", "id"]),
    ("unit", "ix_unit_estate_area_m2_list", ["area_m2", "building", "id"]),
    ("unit", "ix_unit_estate_floor_list", ["floor", "building", "id"]),
    ("unit", "ix_unit_estate_kind_list", ["kind", "building", "id"]),
    ("unit", "ix_unit_estate_occupancy_list", ["occupancy", "building", "id"]),
    ("unit", "ix_unit_estate_room_list", ["room", "building", "id"]),
    (
        "reminder_delivery",
        "ix_reminder_delivery_estate_channel_list",
        ["channel", "created_at", "id"],
    ),
    (
        "reminder_delivery",
        "ix_reminder_delivery_estate_last_attempt_at_list",
        ["last_attempt_at", "created_at", "id"],
    ),
    (
        "reminder_delivery",
        "ix_reminder_delivery_estate_status_list",
        ["status", "created_at", "id"],
    ),
    ("release_pass", "ix_release_pass_estate_list", ["created_at", "id"]),
    ("release_pass", "ix_release_pass_estate_number_list", ["number", "created_at", "id"]),
    ("release_pass", "ix_release_pass_estate_status_list", ["status", "created_at", "id"]),
    ("release_pass", "ix_release_pass_estate_valid_from_list", ["valid_from", "created_at", "id"]),
    (
        "release_pass",
        "ix_release_pass_estate_valid_until_list",
        ["valid_until", "created_at", "id"],
    ),
    ("renovation", "ix_renovation_estate_list", ["created_at", "id"]),
    ("renovation", "ix_renovation_estate_number_list", ["number", "created_at", "id"]),
    ("renovation", "ix_renovation_estate_planned_end_list", ["planned_end", "created_at", "id"]),
    (
        "renovation",
        "ix_renovation_estate_planned_start_list",
        ["planned_start", "created_at", "id"],
    ),
    ("renovation", "ix_renovation_estate_status_list", ["status", "created_at", "id"]),
    ("ticket", "ix_ticket_estate_category_list", ["category", "received_at", "id"]),
    ("ticket", "ix_ticket_estate_channel_list", ["channel", "received_at", "id"]),
    ("ticket", "ix_ticket_estate_number_list", ["number", "received_at", "id"]),
    ("vehicle_pass", "ix_vehicle_pass_estate_list", ["created_at", "id"]),
    ("vehicle_pass", "ix_vehicle_pass_estate_number_list", ["number", "created_at", "id"]),
    ("vehicle_pass", "ix_vehicle_pass_estate_status_list", ["status", "created_at", "id"]),
    ("vehicle_pass", "ix_vehicle_pass_estate_valid_from_list", ["valid_from", "created_at", "id"]),
    (
        "vehicle_pass",
        "ix_vehicle_pass_estate_valid_until_list",
        ["valid_until", "created_at", "id"],
    ),
    ("corrective_action", "ix_corrective_action_estate_list", ["due_at", "id"]),
    ("corrective_action", "ix_corrective_action_estate_number_list", ["number", "due_at", "id"]),
    (
        "renovation_inspection",
        "ix_renovation_inspection_estate_kind_list",
        ["kind", "inspected_at", "id"],
    ),
    (
        "renovation_inspection",
        "ix_renovation_inspection_estate_result_list",
        ["result", "inspected_at", "id"],
    ),
    (
        "work_order",
        "ix_work_order_estate_appointment_at_list",
        ["appointment_at", "created_at", "id"],
    ),
    ("work_order", "ix_work_order_estate_kind_list", ["kind", "created_at", "id"]),
    ("work_order", "ix_work_order_estate_list", ["created_at", "id"]),
    ("work_order", "ix_work_order_estate_number_list", ["number", "created_at", "id"]),
    ("work_order", "ix_work_order_estate_trade_list", ["trade", "created_at", "id"]),
    ("worker_pass", "ix_worker_pass_estate_list", ["created_at", "id"]),
    ("worker_pass", "ix_worker_pass_estate_number_list", ["number", "created_at", "id"]),
    ("worker_pass", "ix_worker_pass_estate_status_list", ["status", "created_at", "id"]),
    ("worker_pass", "ix_worker_pass_estate_valid_from_list", ["valid_from", "created_at", "id"]),
    ("worker_pass", "ix_worker_pass_estate_valid_until_list", ["valid_until", "created_at", "id"]),
    ("payment", "ix_payment_estate_amount_list", ["amount", "created_at", "id"]),
    ("payment", "ix_payment_estate_list", ["created_at", "id"]),
    ("payment", "ix_payment_estate_method_list", ["method", "created_at", "id"]),
    ("payment", "ix_payment_estate_number_list", ["number", "created_at", "id"]),
    ("payment", "ix_payment_estate_paid_at_list", ["paid_at", "created_at", "id"]),
]

# (table, index, columns before, columns now): the same name, the id added at the end.
EXTENDED = [
    ("ticket", "ix_ticket_estate_status_received", ["estate_id", "status", "received_at"]),
    ("ticket", "ix_ticket_estate_received", ["estate_id", "received_at"]),
    ("work_order", "ix_work_order_estate_status_created", ["estate_id", "status", "created_at"]),
    (
        "corrective_action",
        "ix_corrective_action_estate_status_due",
        ["estate_id", "status", "due_at"],
    ),
    ("payment", "ix_payment_estate_state", ["estate_id", "state"], ["created_at", "id"]),
    (
        "cash_hand_in",
        "ix_cash_hand_in_estate_status",
        ["estate_id", "status"],
        ["handed_in_at", "id"],
    ),
    ("gate_check", "ix_gate_check_estate_at", ["estate_id", "checked_at"]),
    ("renovation_inspection", "ix_renovation_inspection_estate_at", ["estate_id", "inspected_at"]),
    ("unit", "ix_unit_estate_building_room", ["estate_id", "building", "room"]),
    ("audit_record", "ix_audit_record_estate_at", ["estate_id", "at"]),
    ("reminder_delivery", "ix_reminder_delivery_estate_created", ["estate_id", "created_at"]),
]


def _extended():
    for table, name, before, *added in EXTENDED:
        yield table, name, before, before + (added[0] if added else ["id"])


def upgrade():
    for table, name, _, now in _extended():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, now)
    for table, name, columns in NEW:
        op.create_index(name, table, ["estate_id", *columns])


def downgrade():
    for table, name, _ in reversed(NEW):
        op.drop_index(name, table_name=table)
    for table, name, before, _ in _extended():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, before)
