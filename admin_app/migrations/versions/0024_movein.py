"""move-in (入伙): the 11 steps per household; move-in fees on payments; documents attached

Revision ID: 0024_movein
Revises: 0023_archive
Create Date: 2026-12-03 08:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0024_movein"
down_revision = "0023_archive"
branch_labels = None
depends_on = None


def _one_record(columns):
    return " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns) + " = 1"


BEFORE = ("ticket_id", "work_order_id", "renovation_id", "inspection_id")
AFTER = (*BEFORE, "move_in_id")


def upgrade():
    op.create_table(
        "move_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("keys_handed_at", sa.DateTime(), nullable=True),
        sa.Column("filed_at", sa.DateTime(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estate.id"], name=op.f("fk_move_in_estate_id_estate")
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_move_in_resident_id_resident")
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["staff.id"], name=op.f("fk_move_in_started_by_id_staff")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_move_in_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_move_in")),
    )
    op.create_index("ix_move_in_estate_stage", "move_in", ["estate_id", "stage", "id"])
    op.create_index(
        "ix_move_in_created_id",
        "move_in",
        ["created_at", "id"],
        postgresql_include=["estate_id"],
    )
    op.create_index(op.f("ix_move_in_resident_id"), "move_in", ["resident_id"])
    op.create_index(op.f("ix_move_in_unit_id"), "move_in", ["unit_id"])

    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("move_in_id", sa.Integer(), nullable=True))
        batch_op.drop_constraint(op.f("ck_attachment_one_record"), type_="check")
        batch_op.create_check_constraint(op.f("ck_attachment_one_record"), _one_record(AFTER))
        batch_op.create_foreign_key(
            op.f("fk_attachment_move_in_id_move_in"),
            "move_in",
            ["move_in_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(op.f("ix_attachment_move_in_id"), ["move_in_id"])

    op.create_table(
        "move_in_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("move_in_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["attachment.id"],
            name=op.f("fk_move_in_step_attachment_id_attachment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"], ["staff.id"], name=op.f("fk_move_in_step_done_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estate.id"], name=op.f("fk_move_in_step_estate_id_estate")
        ),
        sa.ForeignKeyConstraint(
            ["move_in_id"],
            ["move_in.id"],
            name=op.f("fk_move_in_step_move_in_id_move_in"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_move_in_step")),
        sa.UniqueConstraint("move_in_id", "step", name=op.f("uq_move_in_step_move_in_id_step")),
    )
    op.create_index("ix_move_in_step_estate_done", "move_in_step", ["estate_id", "done_at"])

    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.alter_column("work_order_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("move_in_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("item", sa.String(length=100), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_payment_move_in_id_move_in"), "move_in", ["move_in_id"], ["id"]
        )
        batch_op.create_index(op.f("ix_payment_move_in_id"), ["move_in_id"])


def downgrade():
    op.execute("DELETE FROM payment WHERE work_order_id IS NULL")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_payment_move_in_id"))
        batch_op.drop_constraint(op.f("fk_payment_move_in_id_move_in"), type_="foreignkey")
        batch_op.drop_column("item")
        batch_op.drop_column("move_in_id")
        batch_op.alter_column("work_order_id", existing_type=sa.Integer(), nullable=False)
    op.drop_index("ix_move_in_step_estate_done", table_name="move_in_step")
    op.drop_table("move_in_step")
    op.execute("DELETE FROM attachment WHERE move_in_id IS NOT NULL")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_attachment_move_in_id"))
        batch_op.drop_constraint(op.f("fk_attachment_move_in_id_move_in"), type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_attachment_one_record"), type_="check")
        batch_op.create_check_constraint(op.f("ck_attachment_one_record"), _one_record(BEFORE))
        batch_op.drop_column("move_in_id")
    op.drop_index(op.f("ix_move_in_unit_id"), table_name="move_in")
    op.drop_index(op.f("ix_move_in_resident_id"), table_name="move_in")
    op.drop_index("ix_move_in_created_id", table_name="move_in")
    op.drop_index("ix_move_in_estate_stage", table_name="move_in")
    op.drop_table("move_in")
