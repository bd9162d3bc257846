"""dispatch: estate dispatch settings, whose turn per estate and trade, residents' chases

Revision ID: 0026_dispatch
Revises: 0025_calendar
Create Date: 2026-12-03 07:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0026_dispatch"
down_revision = "0025_calendar"
branch_labels = None
depends_on = None

TRADE = sa.Enum(
    "plumbing",
    "electrical",
    "carpentry",
    "cleaning",
    "locks",
    "appliances",
    name="trade",
    native_enum=False,
    length=32,
)


def upgrade():
    with op.batch_alter_table("estate", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("auto_dispatch_trades", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("dispatch_round_robin", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    op.create_table(
        "dispatch_turn",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trade", TRADE, nullable=False),
        sa.Column("technician_id", sa.Integer(), nullable=True),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["estate_id"], ["estate.id"], name=op.f("fk_dispatch_turn_estate_id_estate")),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["staff.id"], name=op.f("fk_dispatch_turn_technician_id_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_turn")),
    )
    with op.batch_alter_table("dispatch_turn", schema=None) as batch_op:
        batch_op.create_index("ix_dispatch_turn_estate_trade", ["estate_id", "trade"], unique=True)

    op.create_table(
        "work_order_chase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("caller", sa.String(length=50), nullable=False),
        sa.Column("called_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("technician_id", sa.Integer(), nullable=True),
        sa.Column("logged_by_id", sa.Integer(), nullable=True),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["estate_id"], ["estate.id"], name=op.f("fk_work_order_chase_estate_id_estate")),
        sa.ForeignKeyConstraint(
            ["work_order_id"], ["work_order.id"], name=op.f("fk_work_order_chase_work_order_id_work_order"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["technician_id"], ["staff.id"], name=op.f("fk_work_order_chase_technician_id_staff")),
        sa.ForeignKeyConstraint(["logged_by_id"], ["staff.id"], name=op.f("fk_work_order_chase_logged_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_order_chase")),
    )
    with op.batch_alter_table("work_order_chase", schema=None) as batch_op:
        batch_op.create_index("ix_work_order_chase_estate_called", ["estate_id", "called_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_work_order_chase_work_order_id"), ["work_order_id"], unique=False)


def downgrade():
    with op.batch_alter_table("work_order_chase", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_order_chase_work_order_id"))
        batch_op.drop_index("ix_work_order_chase_estate_called")
    op.drop_table("work_order_chase")
    with op.batch_alter_table("dispatch_turn", schema=None) as batch_op:
        batch_op.drop_index("ix_dispatch_turn_estate_trade")
    op.drop_table("dispatch_turn")
    with op.batch_alter_table("estate", schema=None) as batch_op:
        batch_op.drop_column("dispatch_round_robin")
        batch_op.drop_column("auto_dispatch_trades")
