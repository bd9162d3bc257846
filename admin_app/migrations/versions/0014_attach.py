"""attachments on tickets, work orders, renovations and inspections; files in a bucket

Revision ID: 0014_attach
Revises: 0013_trail_indexes
Create Date: 2026-12-02 16:00:00

A stored file's bytes may now be in an S3-compatible bucket (object_key) instead of the row.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_attach"
down_revision = "0013_trail_indexes"
branch_labels = None
depends_on = None

ONE_RECORD = " + ".join(
    f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"
    for column in ("ticket_id", "work_order_id", "renovation_id", "inspection_id")
)


def upgrade():
    with op.batch_alter_table("stored_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("object_key", sa.String(length=300), nullable=True))

    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), nullable=False),
        sa.Column("thumbnail_file_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("renovation_id", sa.Integer(), nullable=True),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("caption", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"{ONE_RECORD} = 1", name=op.f("ck_attachment_one_record")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff.id"],
            name=op.f("fk_attachment_created_by_id_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estate.id"], name=op.f("fk_attachment_estate_id_estate")
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["renovation_inspection.id"],
            name=op.f("fk_attachment_inspection_id_renovation_inspection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["renovation_id"],
            ["renovation.id"],
            name=op.f("fk_attachment_renovation_id_renovation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stored_file_id"],
            ["stored_file.id"],
            name=op.f("fk_attachment_stored_file_id_stored_file"),
        ),
        sa.ForeignKeyConstraint(
            ["thumbnail_file_id"],
            ["stored_file.id"],
            name=op.f("fk_attachment_thumbnail_file_id_stored_file"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_attachment_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_order.id"],
            name=op.f("fk_attachment_work_order_id_work_order"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_attachment_estate_created", ["estate_id", "created_at"], unique=False
        )
        for column in (
            "stored_file_id",
            "ticket_id",
            "work_order_id",
            "renovation_id",
            "inspection_id",
        ):
            batch_op.create_index(batch_op.f(f"ix_attachment_{column}"), [column], unique=False)


def downgrade():
    op.drop_table("attachment")
    with op.batch_alter_table("stored_file", schema=None) as batch_op:
        batch_op.drop_column("object_key")
