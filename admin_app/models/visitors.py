"""Visitors (访客登记) and parcels signed for on a resident's behalf (代收大件物品).

A visitor is registered at the desk or the gate ("麻煩登記一下", 000 3.5.11) with whom they
visit and signed out when they leave. A parcel is signed for only once the resident confirmed
it on the phone (001 三(三)2(7)), and handed over against the resident's signature. Both are
personal data: retention/purge.py forgets them after their configured age.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app import clock
from admin_app.extensions import db
from admin_app.models.base import Choice, EstateScoped, TimestampMixin, choice_column, list_index


class VisitPoint(Choice):
    desk = "desk", _l("Front desk")
    gate = "gate", _l("Gate")


class ParcelStatus(Choice):
    waiting = "waiting", _l("Waiting to be collected")
    handed_over = "handed_over", _l("Handed over")


class Visitor(EstateScoped, TimestampMixin, db.Model):
    __tablename__ = "visitor"
    # The phone is shown masked on every page: the history must not show it whole.
    __audit_exclude__ = frozenset({"phone"})
    __table_args__ = (
        # "Still inside": the visitors of an estate not signed out yet, newest first.
        Index("ix_visitor_estate_out_in", "estate_id", "out_at", "in_at"),
        list_index("ix_visitor_in_id", "in_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    unit = relationship("Unit", lazy="joined", innerjoin=True)
    host_name: Mapped[str | None] = mapped_column(String(50))  # whom they visit, if named
    plate: Mapped[str | None] = mapped_column(String(16))
    point: Mapped[VisitPoint] = mapped_column(choice_column(VisitPoint), default=VisitPoint.gate)
    in_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    in_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    in_by = relationship("Staff", foreign_keys=[in_by_id])
    out_at: Mapped[datetime | None] = mapped_column(DateTime)
    out_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    out_by = relationship("Staff", foreign_keys=[out_by_id])

    @property
    def inside(self) -> bool:
        return self.out_at is None

    def __str__(self) -> str:
        return f"{self.name} {self.in_at:%Y-%m-%d %H:%M}"


class Parcel(EstateScoped, TimestampMixin, db.Model):
    __tablename__ = "parcel"
    # The drawn signature stays out of the history (like a work order's).
    __audit_exclude__ = frozenset({"signature_file_id"})
    __table_args__ = (
        Index("ix_parcel_estate_status", "estate_id", "status", "received_at"),
        # Parcels handed over during a shift (the duty log's gate records).
        Index("ix_parcel_estate_handed_over", "estate_id", "handed_over_at"),
        list_index("ix_parcel_received_id", "received_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    status: Mapped[ParcelStatus] = mapped_column(
        choice_column(ParcelStatus), default=ParcelStatus.waiting
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    unit = relationship("Unit", lazy="joined", innerjoin=True)
    recipient_name: Mapped[str] = mapped_column(String(50))  # the resident it is for
    description: Mapped[str] = mapped_column(String(200))
    carrier: Mapped[str | None] = mapped_column(String(50))
    # The phone call before signing: who confirmed it, and when.
    confirmed_by: Mapped[str] = mapped_column(String(50))
    confirmed_at: Mapped[datetime] = mapped_column(DateTime)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    received_by = relationship("Staff", foreign_keys=[received_by_id])
    # Not collected by then: the desk is reminded (services/reminders/rules.py).
    collect_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    handed_over_at: Mapped[datetime | None] = mapped_column(DateTime)
    handed_over_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL")
    )
    handed_over_by = relationship("Staff", foreign_keys=[handed_over_by_id])
    collected_by: Mapped[str | None] = mapped_column(String(50))  # who signed for it
    signature_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    signature_file = relationship("StoredFile")

    def __str__(self) -> str:
        return self.number or f"#{self.id}"
