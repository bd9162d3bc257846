"""Reaching residents by text message: each estate's choice of events, each household's
opt-out and language, the outbox of messages, and the one-purpose links they carry."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app import clock
from admin_app.extensions import db
from admin_app.models.base import Choice, EstateScoped, choice_column
from admin_app.models.reminder import DeliveryStatus


class NoticeEvent(Choice):
    dispatched = "dispatched", _l("Work order dispatched")
    arrived = "arrived", _l("Technician arrived")
    done = "done", _l("Work done")
    rating = "rating", _l("Asking for the rating")


class LinkPurpose(Choice):
    rate = "rate", _l("Rate a repair")
    survey = "survey", _l("Answer the survey")


class EstateNotices(db.Model):
    """Which events an estate texts its households about (none: the estate sends nothing)."""

    __tablename__ = "estate_notices"

    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"), primary_key=True)
    events: Mapped[str] = mapped_column(String(100), default="", server_default="")

    @property
    def event_set(self) -> set[str]:
        return {code for code in (self.events or "").split(",") if code}


class HouseholdSetting(EstateScoped, db.Model):
    """A household (unit)'s own choices: no text messages, and the language they come in."""

    __tablename__ = "household_setting"
    __table_args__ = (Index("ix_household_setting_estate_unit", "estate_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    sms_opt_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    language: Mapped[str] = mapped_column(
        String(16), default="zh_Hans_CN", server_default="zh_Hans_CN"
    )
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)


class ResidentNotice(EstateScoped, db.Model):
    """One text to a household, written in the event's transaction, sent after its commit
    (claimed pending → sending, recorded after; retried like a reminder's text)."""

    __tablename__ = "resident_notice"
    __table_args__ = (
        Index("ix_resident_notice_estate_created", "estate_id", "created_at", "id"),
        Index("ix_resident_notice_status_attempt", "status", "last_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id"), index=True)
    event: Mapped[NoticeEvent] = mapped_column(choice_column(NoticeEvent))
    phone: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(
        choice_column(DeliveryStatus), default=DeliveryStatus.pending
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # One message per event: a verb run twice, or a retried job, finds the key taken.
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class PurposeLink(EstateScoped, db.Model):
    """A link sent for one purpose (rate this repair, answer this survey): bound to the
    household and the one record, expiring, and spent once used."""

    __tablename__ = "purpose_link"
    __table_args__ = (Index("ix_purpose_link_estate_unit", "estate_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(32), unique=True)
    purpose: Mapped[LinkPurpose] = mapped_column(choice_column(LinkPurpose))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    unit = relationship("Unit")
    record_id: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
