"""five indexes that a longer index of the same table answers for (fewer writes per change)

Each is the first columns of another index of its table, with the same operator classes, so
every query it served the longer one serves as well; every INSERT and every non-HOT UPDATE
paid for it. tests/test_redundant_indexes.py keeps new ones out.

  reminder.ix_reminder_estate_id (estate_id)         ix_reminder_estate_list (estate_id, due_at, id)
  reminder.ix_reminder_status_due (status, due_at)   ix_reminder_status_due_id (status, due_at, id)
  work_order.ix_work_order_appointment               ix_work_order_appointment_created
  survey_household.ix_survey_household_survey_id     uq_survey_household_unit (survey_id, unit_id)
  survey_answer.ix_survey_answer_household_id        uq_survey_answer_question (household_id, …)

Revision ID: 0037_redundantindexes
Revises: 0036_api
Create Date: 2026-12-04 21:20:00

"""
from alembic import op


revision = "0037_redundantindexes"
down_revision = "0036_api"
branch_labels = None
depends_on = None

DROPPED = (
    ("reminder", "ix_reminder_estate_id", ["estate_id"]),
    ("reminder", "ix_reminder_status_due", ["status", "due_at"]),
    ("work_order", "ix_work_order_appointment", ["appointment_at"]),
    ("survey_household", "ix_survey_household_survey_id", ["survey_id"]),
    ("survey_answer", "ix_survey_answer_household_id", ["household_id"]),
)


def upgrade():
    for table, name, _columns in DROPPED:
        op.drop_index(name, table_name=table)


def downgrade():
    for table, name, columns in DROPPED:
        op.create_index(name, table, columns, unique=False)
