"""Renovation (装修): application, review, permit, patrols, stop orders, completion inspection."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from admin_app.models.base import (
    Choice,
    EstateScoped,
    TimestampMixin,
    choice_column,
    estate_list_indexes,
    list_index,
)


class RenovationStatus(Choice):
    applied = "applied", _l("Applied, awaiting review")
    rectification = "rectification", _l("Rectification required")
    permitted = "permitted", _l("Permit issued")
    in_progress = "in_progress", _l("Work in progress")
    stopped = "stopped", _l("Stopped for a violation")
    inspection = "inspection", _l("Awaiting completion inspection")
    failed = "failed", _l("Failed inspection")
    accepted = "accepted", _l("Accepted")
    cancelled = "cancelled", _l("Cancelled")


class DepositStatus(Choice):
    none = "none", _l("No deposit")
    held = "held", _l("Held")
    refundable = "refundable", _l("Refundable")
    refunded = "refunded", _l("Refunded")


class InspectionKind(Choice):
    patrol = "patrol", _l("Patrol")
    completion = "completion", _l("Completion inspection")


class InspectionResult(Choice):
    ok = "ok", _l("No problem found")
    violation = "violation", _l("Violation")
    passed = "passed", _l("Passed")
    failed = "failed", _l("Did not pass")


class Renovation(EstateScoped, TimestampMixin, db.Model):
    __tablename__ = "renovation"
    __table_args__ = (
        Index("ix_renovation_estate_status", "estate_id", "status", "planned_end"),
        Index("ix_renovation_next_patrol", "next_patrol_due_at"),
        list_index("ix_renovation_created_id", "created_at", "id"),
        *(
            list_index(f"ix_renovation_{column}_created", column, "created_at", "id")
            for column in ("status", "planned_start", "planned_end")
        ),
        *estate_list_indexes(
            "renovation", ("created_at",), ("number", "status", "planned_start", "planned_end")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[RenovationStatus] = mapped_column(
        choice_column(RenovationStatus), default=RenovationStatus.applied
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    unit = relationship("Unit")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    owner = relationship("Resident")
    contractor: Mapped[str | None] = mapped_column(String(100))
    person_in_charge: Mapped[str | None] = mapped_column(String(50))
    person_phone: Mapped[str | None] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(Text)
    planned_start: Mapped[date] = mapped_column(Date)
    planned_end: Mapped[date] = mapped_column(Date)
    deposit: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    deposit_status: Mapped[DepositStatus] = mapped_column(
        choice_column(DepositStatus), default=DepositStatus.none
    )
    review_notes: Mapped[str | None] = mapped_column(Text)
    permit_number: Mapped[str | None] = mapped_column(String(32))
    permit_issued_at: Mapped[datetime | None] = mapped_column(DateTime)
    permit_valid_until: Mapped[date | None] = mapped_column(Date)
    agreement_signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime)
    stop_reason: Mapped[str | None] = mapped_column(Text)
    next_patrol_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    completion_requested_at: Mapped[datetime | None] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_reason: Mapped[str | None] = mapped_column(Text)

    inspections = relationship(
        "RenovationInspection",
        back_populates="renovation",
        order_by="RenovationInspection.inspected_at",
    )

    def __str__(self) -> str:
        return self.number or ""


class RenovationInspection(EstateScoped, TimestampMixin, db.Model):
    __tablename__ = "renovation_inspection"
    __table_args__ = (
        Index("ix_renovation_inspection_estate_at", "estate_id", "inspected_at", "id"),
        *estate_list_indexes(
            "renovation_inspection", ("inspected_at",), ("kind", "result"), with_default=False
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    renovation_id: Mapped[int] = mapped_column(ForeignKey("renovation.id"), index=True)
    renovation = relationship("Renovation", back_populates="inspections")
    kind: Mapped[InspectionKind] = mapped_column(
        choice_column(InspectionKind), default=InspectionKind.patrol
    )
    inspected_at: Mapped[datetime] = mapped_column(DateTime)
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    inspector = relationship("Staff")
    result: Mapped[InspectionResult] = mapped_column(choice_column(InspectionResult))
    notes: Mapped[str | None] = mapped_column(Text)
    photo_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    photo_file = relationship("StoredFile")

    def __str__(self) -> str:
        return f"{self.inspected_at:%Y-%m-%d} {self.result.label}" if self.inspected_at else ""
