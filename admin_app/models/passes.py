"""Passes (证件/放行): construction-worker pass, vehicle pass and large-item release.

The three kinds share one lifecycle (PassStatus) and the columns of `PassMixin`; each has its
own table because each carries different facts and is checked differently at the gate.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from admin_app.extensions import db
from admin_app.models.base import (
    Choice,
    EstateScoped,
    TimestampMixin,
    choice_column,
    estate_list_indexes,
    list_index,
)
from admin_app.models.sensitive_mixin import SensitiveIdNumber


class PassStatus(Choice):
    applied = "applied", _l("Applied")
    approved = "approved", _l("Approved")
    rejected = "rejected", _l("Rejected")
    suspended = "suspended", _l("Suspended")
    revoked = "revoked", _l("Revoked")
    expired = "expired", _l("Expired")
    released = "released", _l("Released")
    cancelled = "cancelled", _l("Cancelled by the applicant")


class VehicleType(Choice):
    car = "car", _l("Car")
    suv = "suv", _l("SUV / MPV")
    van = "van", _l("Van")
    truck = "truck", _l("Truck")
    motorcycle = "motorcycle", _l("Motorcycle")
    other = "other", _l("Other")


class PassMixin(EstateScoped, TimestampMixin):
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[PassStatus] = mapped_column(
        choice_column(PassStatus), default=PassStatus.applied
    )
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    status_reason: Mapped[str | None] = mapped_column(Text)  # why rejected / revoked / suspended
    # Random part of the QR token: the printed code never carries a guessable row id alone,
    # and rotating it voids every printed copy.
    token_nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(8))
    # When the nonce was last rotated (the nonce itself stays out of the history).
    reissued_at: Mapped[datetime | None] = mapped_column(DateTime)

    @declared_attr
    def approved_by_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("staff.id"))

    @declared_attr
    def approved_by(cls):  # noqa: N805
        return relationship("Staff", foreign_keys=[cls.approved_by_id])

    def __str__(self) -> str:
        return self.number or ""


def _pass_list_indexes(table: str) -> tuple:
    return (
        list_index(f"ix_{table}_created_id", "created_at", "id"),
        *(
            list_index(f"ix_{table}_{column}_created", column, "created_at", "id")
            for column in ("status", "valid_from", "valid_until")
        ),
    )


class WorkerPass(PassMixin, SensitiveIdNumber, db.Model):
    __tablename__ = "worker_pass"
    __table_args__ = (
        Index("ix_worker_pass_estate_status", "estate_id", "status", "valid_until"),
        *_pass_list_indexes("worker_pass"),
        *estate_list_indexes(
            "worker_pass", ("created_at",), ("number", "status", "valid_from", "valid_until")
        ),
    )

    renovation_id: Mapped[int] = mapped_column(ForeignKey("renovation.id"), index=True)
    renovation = relationship("Renovation", backref="worker_passes")
    worker_name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    company: Mapped[str | None] = mapped_column(String(100))
    photo_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    photo_file = relationship("StoredFile")


class VehiclePass(PassMixin, db.Model):
    __tablename__ = "vehicle_pass"
    __table_args__ = (
        Index("ix_vehicle_pass_estate_status", "estate_id", "status", "valid_until"),
        Index("ix_vehicle_pass_plate", "plate"),
        *_pass_list_indexes("vehicle_pass"),
        *estate_list_indexes(
            "vehicle_pass", ("created_at",), ("number", "status", "valid_from", "valid_until")
        ),
    )

    plate: Mapped[str] = mapped_column(String(16))
    is_new_energy: Mapped[bool] = mapped_column(Boolean, default=False)
    vehicle_type: Mapped[VehicleType] = mapped_column(
        choice_column(VehicleType), default=VehicleType.car
    )
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    resident = relationship("Resident")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    unit = relationship("Unit")
    parking_space: Mapped[str | None] = mapped_column(String(32))


class ReleasePass(PassMixin, db.Model):
    __tablename__ = "release_pass"
    __table_args__ = (
        Index("ix_release_pass_estate_status", "estate_id", "status", "moving_date"),
        # Large items let out during a shift (the duty log's gate records).
        Index("ix_release_pass_estate_released", "estate_id", "released_at"),
        *_pass_list_indexes("release_pass"),
        *estate_list_indexes(
            "release_pass", ("created_at",), ("number", "status", "valid_from", "valid_until")
        ),
    )

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    unit = relationship("Unit")
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    applicant = relationship("Resident")
    applicant_name: Mapped[str] = mapped_column(String(50))
    applicant_phone: Mapped[str | None] = mapped_column(String(20))
    # A tenant's release waits for the owner's confirmation.
    applicant_is_tenant: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    owner_confirmed_by: Mapped[str | None] = mapped_column(String(50))
    items: Mapped[str] = mapped_column(Text)
    moving_date: Mapped[date] = mapped_column(Date)
    released_at: Mapped[datetime | None] = mapped_column(DateTime)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    released_by = relationship("Staff", foreign_keys=[released_by_id])
