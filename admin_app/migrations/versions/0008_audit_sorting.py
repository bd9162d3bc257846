"""audit list sorting indexes

Revision ID: 0008_audit_sorting
Revises: 0007_statistics
Create Date: 2026-11-23 21:58:00

"""

from alembic import op

revision = "0008_audit_sorting"
down_revision = "0007_statistics"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_record", schema=None) as batch_op:
        batch_op.create_index("ix_audit_record_action_at", ["action", "at", "id"], unique=False)
        batch_op.create_index(
            "ix_audit_record_entity_type_at", ["entity_type", "at", "id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("audit_record", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_record_entity_type_at")
        batch_op.drop_index("ix_audit_record_action_at")
