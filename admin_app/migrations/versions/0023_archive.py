"""household archive: documents in a unit's file; who approves release slips, per estate

Revision ID: 0023_archive
Revises: 0022_rollups
Create Date: 2026-12-03 08:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0023_archive"
down_revision = "0022_rollups"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("estate", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "release_approver",
                sa.Enum(
                    "supervisor",
                    "receptionist",
                    name="releaseapprover",
                    native_enum=False,
                    length=32,
                    create_constraint=False,
                ),
                server_default="supervisor",
                nullable=False,
            )
        )

    op.create_table(
        "household_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "agreement",
                "registration_form",
                "id_copy",
                "permit",
                "other",
                name="documentkind",
                native_enum=False,
                length=32,
                create_constraint=False,
            ),
            nullable=False,
        ),
        sa.Column("document_date", sa.Date(), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("encrypted", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff.id"],
            name=op.f("fk_household_document_created_by_id_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estate.id"], name=op.f("fk_household_document_estate_id_estate")
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
            name=op.f("fk_household_document_resident_id_resident"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["stored_file_id"],
            ["stored_file.id"],
            name=op.f("fk_household_document_stored_file_id_stored_file"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
            name=op.f("fk_household_document_unit_id_unit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_document")),
    )
    with op.batch_alter_table("household_document", schema=None) as batch_op:
        batch_op.create_index(
            "ix_household_document_estate_unit", ["estate_id", "unit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_household_document_resident_id"), ["resident_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_household_document_stored_file_id"), ["stored_file_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("household_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_document_stored_file_id"))
        batch_op.drop_index(batch_op.f("ix_household_document_resident_id"))
        batch_op.drop_index("ix_household_document_estate_unit")
    op.drop_table("household_document")

    with op.batch_alter_table("estate", schema=None) as batch_op:
        batch_op.drop_column("release_approver")
