"""home-visit bookings name who goes: home_visit_booking.visitor_id

A booked home visit had nobody assigned to it and nobody told; the staff member who goes is
now named when the time is agreed (home_visits.agree), told, and reminded before the visit.

Revision ID: 0042_homevisitvisitor
Revises: 0041_unitlookuporder
Create Date: 2026-12-07 10:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = "0042_homevisitvisitor"
down_revision = "0041_unitlookuporder"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("home_visit_booking", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visitor_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_home_visit_booking_visitor_id"), ["visitor_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_home_visit_booking_visitor_id_staff"), "staff", ["visitor_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("home_visit_booking", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_home_visit_booking_visitor_id_staff"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_home_visit_booking_visitor_id"))
        batch_op.drop_column("visitor_id")
