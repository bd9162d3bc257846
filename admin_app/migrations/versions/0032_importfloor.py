"""resident import: the preview's checked rows kept for the commit; no index on the ID hash

import_batch.staged holds the rows the check decided, as COPY reads them (compressed and
encrypted), so confirming writes them without checking them again. ix_resident_id_number_hash
served no query: nothing looks a resident up by the hash alone; the import matches within an
estate it reads whole through ix_resident_estate_phone (an import writes 12 indexes per
resident instead of 13).

Revision ID: 0032_importfloor
Revises: 0030_perfbulk
Create Date: 2026-12-03 14:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0032_importfloor"
down_revision = "0030_perfbulk"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("import_batch") as batch:
        batch.add_column(sa.Column("staged", sa.LargeBinary(), nullable=True))
    op.drop_index("ix_resident_id_number_hash", table_name="resident")


def downgrade():
    op.create_index("ix_resident_id_number_hash", "resident", ["id_number_hash"], unique=False)
    with op.batch_alter_table("import_batch") as batch:
        batch.drop_column("staged")
