"""the gate's records of a shift, read by the duty log: release_pass and parcel by estate and time

The duty page lists what the gate recorded while a shift was on duty: large items let out
(release_pass.released_at) and parcels handed over (parcel.handed_over_at), each one range of
an estate's times. Neither column had an index: each read walked the estate's releases or
parcels whole.

Revision ID: 0044_dutygateindexes
Revises: 0043_ticketescalationnote
Create Date: 2026-12-08 12:00:00

"""

from alembic import op


revision = "0044_dutygateindexes"
down_revision = "0043_ticketescalationnote"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_release_pass_estate_released", "release_pass", ["estate_id", "released_at"])
    op.create_index("ix_parcel_estate_handed_over", "parcel", ["estate_id", "handed_over_at"])


def downgrade():
    op.drop_index("ix_parcel_estate_handed_over", table_name="parcel")
    op.drop_index("ix_release_pass_estate_released", table_name="release_pass")
