"""residents' pages: sign-in codes, and the estate setting for accepting quotes remotely

Revision ID: 0034_portal
Revises: 0030_perfbulk
Create Date: 2026-12-03 13:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0034_portal"
down_revision = "0033_honestbench"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "resident_sign_in_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone_digest", sa.String(length=64), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("wrong_tries", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident_sign_in_code")),
    )
    op.create_index(
        "ix_resident_sign_in_code_phone",
        "resident_sign_in_code",
        ["phone_digest", "created_at"],
        unique=False,
    )
    with op.batch_alter_table("audit_record") as batch_op:
        batch_op.add_column(sa.Column("resident_actor_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_audit_record_resident_actor_id_resident"),
            "resident",
            ["resident_actor_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("estate") as batch_op:
        batch_op.add_column(
            sa.Column(
                "remote_quote_acceptance", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("estate") as batch_op:
        batch_op.drop_column("remote_quote_acceptance")
    with op.batch_alter_table("audit_record") as batch_op:
        batch_op.drop_constraint(
            op.f("fk_audit_record_resident_actor_id_resident"), type_="foreignkey"
        )
        batch_op.drop_column("resident_actor_id")
    op.drop_index("ix_resident_sign_in_code_phone", table_name="resident_sign_in_code")
    op.drop_table("resident_sign_in_code")
