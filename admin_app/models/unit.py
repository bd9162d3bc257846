"""Unit (房屋): a flat, shop, parking space or storage room in an estate."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from admin_app.extensions import db
from admin_app.models.base import (
    Choice,
    EstateScoped,
    TimestampMixin,
    choice_column,
    estate_list_indexes,
    list_index,
)
from admin_app.models.renovation import RenovationStatus
from admin_app.validation import unit_part


def unit_label(building: str, entrance: str | None, room: str) -> str:
    """How the panel writes a unit: "3栋1单元601室" / "Bldg 3, Ent. 1, Rm 601". The parts are
    shown without a suffix of their own, so that a room stored as "601室" never reads "601室室"."""
    building = unit_part("building", building, label=True)
    room = unit_part("room", room, label=True)
    if entrance:
        return gettext(
            "Bldg %(building)s, Ent. %(entrance)s, Rm %(room)s",
            building=building,
            entrance=unit_part("entrance", entrance, label=True),
            room=room,
        )
    return gettext("Bldg %(building)s, Rm %(room)s", building=building, room=room)


class UnitKind(Choice):
    residential = "residential", _l("Residential")
    commercial = "commercial", _l("Commercial")
    parking = "parking", _l("Parking space")
    storage = "storage", _l("Storage room")


class Occupancy(Choice):
    vacant = "vacant", _l("Vacant")
    occupied = "occupied", _l("Owner-occupied")
    rented = "rented", _l("Rented out")


class Unit(EstateScoped, TimestampMixin, db.Model):
    __tablename__ = "unit"
    __table_args__ = (
        UniqueConstraint("estate_id", "building", "entrance", "room"),
        # The list's default order, an estate's register (migration 0040).
        Index(
            "ix_unit_estate_register", "estate_id", "building", "entrance", "floor", "room", "id"
        ),
        Index("ix_unit_estate_renovation", "estate_id", "renovation_status"),
        # A director's unit lookup, in the same order (services/unit_reader.py; migration 0041).
        list_index("ix_unit_building_register", "building", "entrance", "floor", "room", "id"),
        *(
            list_index(f"ix_unit_{column}_building", column, "building", "id")
            for column in ("floor", "room", "area_m2", "kind", "occupancy")
        ),
        *estate_list_indexes(
            "unit",
            ("building",),
            ("room", "floor", "area_m2", "kind", "occupancy"),
            with_default=False,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building: Mapped[str] = mapped_column(String(32))
    # 单元 is optional; stored as "" (not NULL) so the unique constraint holds on every database.
    entrance: Mapped[str] = mapped_column(String(16), default="")
    floor: Mapped[int | None] = mapped_column(Integer)
    room: Mapped[str] = mapped_column(String(16))
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(9, 2))
    kind: Mapped[UnitKind] = mapped_column(choice_column(UnitKind), default=UnitKind.residential)
    occupancy: Mapped[Occupancy] = mapped_column(choice_column(Occupancy), default=Occupancy.vacant)
    # The state of the unit's latest renovation (cancelled ones aside), kept by
    # renovations/operations.py in the same transaction as every renovation step.
    renovation_status: Mapped[RenovationStatus | None] = mapped_column(
        choice_column(RenovationStatus)
    )

    @property
    def label(self) -> str:
        return unit_label(self.building, self.entrance, self.room)

    def __str__(self) -> str:
        return self.label
