"""unit lookups in the register's order: (building, entrance, floor, room, id)

A form's unit lookup offered a building's units by room compared as text ("1001, 1002, 101")
with the two entrances of a building interleaved; it reads as the units list and the register
now (services/unit_reader.py), a director's choices straight from this index. It replaces
(building, room, id), which served only the old order: a unit's write keeps as many index
entries.

Revision ID: 0041_unitlookuporder
Revises: 0040_unitregister
Create Date: 2026-12-06 15:00:00

"""
from alembic import op


revision = "0041_unitlookuporder"
down_revision = "0040_unitregister"
branch_labels = None
depends_on = None

INCLUDE = {"postgresql_include": ["estate_id"]}


def upgrade():
    op.create_index(
        "ix_unit_building_register",
        "unit",
        ["building", "entrance", "floor", "room", "id"],
        **INCLUDE,
    )
    op.drop_index("ix_unit_building_room", table_name="unit")


def downgrade():
    op.create_index("ix_unit_building_room", "unit", ["building", "room", "id"], **INCLUDE)
    op.drop_index("ix_unit_building_register", table_name="unit")
