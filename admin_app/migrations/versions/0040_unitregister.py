"""units listed as an estate's register: (estate, building, entrance, floor, room, id)

The unit list's default order was building then room, rooms compared as text: "1001, 1002,
101, 102" with the two entrances of a building interleaved. It reads as the register now,
building by building, entrance by entrance, floor by floor (ListingMixin, views/estate.py),
from this index. It replaces (estate_id, building, room, id), which served only the old default
order and, as this one does, the merges of a sort by building: a unit's write keeps as many
index entries.

Revision ID: 0040_unitregister
Revises: 0039_residentestatelist
Create Date: 2026-12-06 12:20:00

"""
from alembic import op


revision = "0040_unitregister"
down_revision = "0039_residentestatelist"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_unit_estate_register",
        "unit",
        ["estate_id", "building", "entrance", "floor", "room", "id"],
        unique=False,
    )
    op.drop_index("ix_unit_estate_building_room", table_name="unit")


def downgrade():
    op.create_index(
        "ix_unit_estate_building_room",
        "unit",
        ["estate_id", "building", "room", "id"],
        unique=False,
    )
    op.drop_index("ix_unit_estate_register", table_name="unit")
