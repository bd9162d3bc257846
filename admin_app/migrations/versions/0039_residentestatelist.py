"""residents' default list read per estate: (estate_id, id) instead of (id) INCLUDE (estate_id)

The resident list, newest first, walked ix_resident_recent (id) and passed over every other
estate's residents: for a supervisor of the first ten of forty estates, 75,000 index rows to
show 25 (4 ms). Led by the estate, each of the user's estates is one range, merged
(ListingMixin._merged_page); a director's list (no estate filter) walks the primary key. The
old index served only that walk: it is replaced, so an import writes as many index entries as
before.

Revision ID: 0039_residentestatelist
Revises: 0038_receptionrollup
Create Date: 2026-12-06 08:30:00

"""
from alembic import op


revision = "0039_residentestatelist"
down_revision = "0038_receptionrollup"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_resident_estate_list", "resident", ["estate_id", "id"], unique=False)
    op.drop_index("ix_resident_recent", table_name="resident")


def downgrade():
    op.create_index(
        "ix_resident_recent",
        "resident",
        ["id"],
        unique=False,
        postgresql_include=["estate_id"],
    )
    op.drop_index("ix_resident_estate_list", table_name="resident")
