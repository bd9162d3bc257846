"""resident: two indexes that no query needs (an import writes 13 instead of 15 per resident)

ix_resident_unit_id (unit_id) is the first column of uq_resident_unit_id_phone_name, which
answers every "residents of these units" (the import's matching, the household file, the
survey, a unit's deletion check). ix_resident_estate_name (estate_id, name) serves no query:
name searches are prefix searches (pgx_resident_name_prefix, ix_resident_name_id carry the
estate), and "every resident of an estate" is answered by ix_resident_estate_phone.

Revision ID: 0030_perfbulk
Revises: 0029_perfpages
Create Date: 2026-12-03 08:30:00

"""
from alembic import op


revision = "0030_perfbulk"
down_revision = "0029_perfpages"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_resident_unit_id", table_name="resident")
    op.drop_index("ix_resident_estate_name", table_name="resident")


def downgrade():
    op.create_index("ix_resident_estate_name", "resident", ["estate_id", "name"], unique=False)
    op.create_index("ix_resident_unit_id", "resident", ["unit_id"], unique=False)
