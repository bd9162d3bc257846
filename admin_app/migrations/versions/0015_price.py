"""the price list (收费标准), quotes built from its lines, damage found on arrival

Revision ID: 0015_price
Revises: 0014_attach
Create Date: 2026-12-02 16:00:00

A quote was two typed amounts; now it is lines copied from the estate's price list (or typed
with a reason). Existing quotes keep their two amounts and no lines; the order's labour and
materials columns go on holding the sums.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_price"
down_revision = "0014_attach"
branch_labels = None
depends_on = None

TRADES = ("plumbing", "electrical", "carpentry", "cleaning", "locks", "appliances")
UNITS = ("time", "piece", "metre", "hour", "square_metre")


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade():
    op.create_table(
        "price_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum(TRADES, "trade"), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("unit", _enum(UNITS, "priceunit"), nullable=False),
        sa.Column("labour_price", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("materials_price", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("notes", sa.String(length=200), nullable=True),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["estate_id"], ["estate.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_price_item_estate_kind_name_valid",
        "price_item",
        ["estate_id", "kind", "name", "valid_from"],
        unique=True,
    )
    op.create_table(
        "quote_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("price_item_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=100), nullable=False),
        sa.Column("unit", _enum(UNITS, "priceunit"), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("unit_labour", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("unit_materials", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["estate_id"], ["estate.id"]),
        sa.ForeignKeyConstraint(["price_item_id"], ["price_item.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["work_order_id"], ["work_order.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_quote_line_estate_order", "quote_line", ["estate_id", "work_order_id"])
    op.create_index("ix_quote_line_work_order_id", "quote_line", ["work_order_id"])
    op.create_index("ix_quote_line_price_item_id", "quote_line", ["price_item_id"])
    with op.batch_alter_table("work_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("arrival_damage", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("work_order", schema=None) as batch_op:
        batch_op.drop_column("arrival_damage")
    op.drop_index("ix_quote_line_price_item_id", table_name="quote_line")
    op.drop_index("ix_quote_line_work_order_id", table_name="quote_line")
    op.drop_index("ix_quote_line_estate_order", table_name="quote_line")
    op.drop_table("quote_line")
    op.drop_index("ix_price_item_estate_kind_name_valid", table_name="price_item")
    op.drop_table("price_item")
