"""residents of one unit may share a phone (unique by unit, phone and name); unit imports

Revision ID: 0020_imports
Revises: 0019_forms
Create Date: 2026-12-02 16:00:00

A parent and child, or a household's landline: two residents of a unit with one phone. The
rule that one person appears once per unit now counts the name too (the import tells them
apart by name or ID number). An import batch says what it imports: residents, or units.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_imports"
down_revision = "0019_forms"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="residents", nullable=False)
        )
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.drop_constraint("uq_resident_unit_id_phone", type_="unique")
        batch_op.create_unique_constraint(
            "uq_resident_unit_id_phone_name", ["unit_id", "phone", "name"]
        )


def downgrade():
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.drop_constraint("uq_resident_unit_id_phone_name", type_="unique")
        batch_op.create_unique_constraint("uq_resident_unit_id_phone", ["unit_id", "phone"])
