"""Home-visit bookings (上门服务预约, 002 篇3): the request, its answer within one working day,
the appointment, and how it ended (visited, called off in time, abandoned)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from admin_app.models.base import Choice, EstateScoped, TimestampMixin, choice_column


class BookingChannel(Choice):
    phone = "phone", _l("Telephone")
    visit = "visit", _l("In person")


class BookingStatus(Choice):
    requested = "requested", _l("Awaiting an answer")
    agreed = "agreed", _l("Appointment agreed")
    refused = "refused", _l("Refused (reason given)")
    called_off = "called_off", _l("Called off")
    abandoned = "abandoned", _l("Abandoned (no contact)")
    visited = "visited", _l("Visited")


class HomeVisitBooking(EstateScoped, TimestampMixin, db.Model):
    __tablename__ = "home_visit_booking"
    __table_args__ = (
        Index("ix_home_visit_booking_estate_status", "estate_id", "status"),
        Index("ix_home_visit_booking_requested", "requested_at"),
        Index("ix_home_visit_booking_appointment", "status", "appointment_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The 上门服务登记表's number (第七條: every request registered and filed).
    number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[BookingStatus] = mapped_column(
        choice_column(BookingStatus), default=BookingStatus.requested
    )
    channel: Mapped[BookingChannel] = mapped_column(
        choice_column(BookingChannel), default=BookingChannel.phone
    )
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    applicant_name: Mapped[str] = mapped_column(String(100))
    applicant_phone: Mapped[str | None] = mapped_column(String(30))
    service: Mapped[str] = mapped_column(Text)  # what the applicant asks to be done at home
    preferred_time: Mapped[str | None] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # Answered within one working day [002 篇3 第八條]: a time agreed, or a refusal explained.
    answer_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    appointment_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Who goes to the applicant's home: named when the time is agreed, told at once, reminded.
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    materials: Mapped[str | None] = mapped_column(Text)  # what the applicant should prepare
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    # Called off: the applicant told at least 8 hours before [第十條], by whom, whom, when.
    told_at: Mapped[datetime | None] = mapped_column(DateTime)
    told_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    told_whom: Mapped[str | None] = mapped_column(String(100))
    call_off_reason: Mapped[str | None] = mapped_column(Text)
    # 30 minutes past the time with no contact: abandoned [第十一條] (by staff, or the sweep).
    abandoned_at: Mapped[datetime | None] = mapped_column(DateTime)
    abandoned_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    visited_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome_notes: Mapped[str | None] = mapped_column(Text)

    unit = relationship("Unit")
    resident = relationship("Resident")
    received_by = relationship("Staff", foreign_keys=[received_by_id])
    answered_by = relationship("Staff", foreign_keys=[answered_by_id])
    visitor = relationship("Staff", foreign_keys=[visitor_id])
    told_by = relationship("Staff", foreign_keys=[told_by_id])
    abandoned_by = relationship("Staff", foreign_keys=[abandoned_by_id])

    def __str__(self) -> str:
        return self.number or ""
