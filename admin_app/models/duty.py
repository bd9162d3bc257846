"""Duty (值班): an estate's rota of shifts, the duty log of each shift with its hand-over note,
swap requests between staff, and the public holidays whose duty must be fixed beforehand."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app import clock
from admin_app.extensions import db
from admin_app.models.base import Choice, EstateScoped, TimestampMixin, choice_column


class DutyShift(EstateScoped, TimestampMixin, db.Model):
    """One shift of the rota: who is on duty from when to when, and whether they hold the
    24-hour duty phone; its log ends with a hand-over note the next person acknowledges."""

    __tablename__ = "duty_shift"
    __table_args__ = (
        Index("ix_duty_shift_estate_starts", "estate_id", "starts_at"),
        Index("ix_duty_shift_staff_starts", "staff_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    staff = relationship("Staff", foreign_keys=[staff_id], lazy="joined")
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    holds_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    planned_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    handover_note: Mapped[str | None] = mapped_column(Text)
    handed_over_at: Mapped[datetime | None] = mapped_column(DateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    acknowledged_by = relationship("Staff", foreign_keys=[acknowledged_by_id])
    entries = relationship(
        "DutyLogEntry",
        back_populates="shift",
        order_by="(DutyLogEntry.at, DutyLogEntry.id)",
        cascade="all, delete-orphan",
    )

    def __str__(self) -> str:
        return f"{self.starts_at:%m-%d %H:%M}–{self.ends_at:%m-%d %H:%M}"


class DutyLogEntry(EstateScoped, db.Model):
    """One line of the duty log book (值班记录簿): what happened at what time."""

    __tablename__ = "duty_log_entry"
    __table_args__ = (
        Index("ix_duty_log_entry_shift_at", "shift_id", "at"),
        Index("ix_duty_log_entry_estate", "estate_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("duty_shift.id", ondelete="CASCADE"))
    shift = relationship("DutyShift", back_populates="entries")
    at: Mapped[datetime] = mapped_column(DateTime)
    text: Mapped[str] = mapped_column(Text)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    written_by = relationship("Staff", foreign_keys=[written_by_id])
    written_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)


class SwapStatus(Choice):
    requested = "requested", _l("Awaiting approval")
    approved = "approved", _l("Approved")
    refused = "refused", _l("Refused")


class DutySwap(EstateScoped, TimestampMixin, db.Model):
    """A request to hand one's shift to a colleague: the supervisor approves or refuses it."""

    __tablename__ = "duty_swap"
    __table_args__ = (Index("ix_duty_swap_estate_status", "estate_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("duty_shift.id", ondelete="CASCADE"))
    shift = relationship("DutyShift", lazy="joined")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    requested_by = relationship("Staff", foreign_keys=[requested_by_id], lazy="joined")
    colleague_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    colleague = relationship("Staff", foreign_keys=[colleague_id], lazy="joined")
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[SwapStatus] = mapped_column(
        choice_column(SwapStatus), default=SwapStatus.requested
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_by = relationship("Staff", foreign_keys=[decided_by_id])
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    refusal_reason: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        # As the supervisor's inbox names it: who hands which shift to whom.
        return f"{self.requested_by.name} → {self.colleague.name} {self.shift}"


class DutyHoliday(EstateScoped, TimestampMixin, db.Model):
    """A public holiday of an estate: its duty must be on the rota before it starts
    [000 办公室 3.14]; `rota_fixed_at` is set while at least one shift covers it."""

    __tablename__ = "duty_holiday"
    __table_args__ = (Index("ix_duty_holiday_estate_starts", "estate_id", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # What reminders call it ("2026-10-01 国庆节"): every reminded record has a number.
    number: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(80))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    rota_fixed_at: Mapped[datetime | None] = mapped_column(DateTime)

    def __str__(self) -> str:
        return self.number or ""
