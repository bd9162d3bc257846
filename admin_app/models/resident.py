"""Resident (业主/住户): a person living in or owning a unit."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from admin_app.models.base import Choice, EstateScoped, TimestampMixin, choice_column, list_index
from admin_app.models.sensitive_mixin import SensitiveIdNumber


class ResidentRole(Choice):
    owner = "owner", _l("Owner")
    tenant = "tenant", _l("Tenant")
    family = "family", _l("Family member")


class Resident(EstateScoped, SensitiveIdNumber, TimestampMixin, db.Model):
    __tablename__ = "resident"
    __table_args__ = (
        # One person (by phone and name) appears once per unit; a race of two receptionists ends
        # here. Two people of a household may share a phone (a parent and child, a landline).
        UniqueConstraint("unit_id", "phone", "name"),
        # Also every resident of an estate (the import's matching); (estate_id, name) served
        # no query and was dropped (migration 0030_perfbulk).
        Index("ix_resident_estate_phone", "estate_id", "phone"),
        list_index("ix_resident_name_id", "name", "id"),
        list_index("ix_resident_phone_id", "phone", "id"),
        list_index("ix_resident_role_id", "role", "id"),
        # The default order, newest first, one range per estate (ListingMixin merges them):
        # walking all residents by id passed over every other estate's first (0039).
        Index("ix_resident_estate_list", "estate_id", "id"),
        list_index("ix_resident_move_in_id", "move_in", "id"),
        list_index("ix_resident_move_out_id", "move_out", "id"),
    )

    # Set once, by the import that creates him; its own history line says so.
    __audit_exclude__ = frozenset({"import_batch_id"})

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index (0032_importfloor): nothing looks a resident up by the number's hash; the import
    # matches within an estate it reads whole (by estate_id).
    id_number_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Found by the unique constraint above (unit_id first); no index of its own (0030).
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    unit = relationship("Unit", lazy="joined", innerjoin=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[ResidentRole] = mapped_column(
        choice_column(ResidentRole), default=ResidentRole.owner
    )
    move_in: Mapped[date | None] = mapped_column(Date)
    move_out: Mapped[date | None] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)
    # The import that created him (its one history line stands for all it created, and its
    # record keeps the file's name and counts). No foreign key: an import's record is never
    # deleted (retention removes only its file), and the check cost every imported row a
    # lookup (0053_importprovenance).
    import_batch_id: Mapped[int | None] = mapped_column(Integer)

    def __str__(self) -> str:
        return f"{self.name} ({self.phone})" if self.phone else self.name

    def has_moved_out(self, today: date) -> bool:
        """Gone from the unit by `today`; a move-out date still ahead is planned: he lives there."""
        return self.move_out is not None and self.move_out <= today

    @classmethod
    def living_on(cls, today: date):
        """The residents who have not moved out by `today`, as a query's clause."""
        return or_(cls.move_out.is_(None), cls.move_out > today)
