"""Reminders: the durable outbox of deadline warnings, each delivery attempt, and each staff
member's inbox."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app import clock
from admin_app.extensions import db
from admin_app.models.base import Choice, choice_column, estate_list_indexes, list_index


class ReminderStatus(Choice):
    pending = "pending", _l("Pending")
    queued = "queued", _l("Queued")
    sent = "sent", _l("Sent")
    cancelled = "cancelled", _l("Cancelled")
    failed = "failed", _l("Failed")


class Reminder(db.Model):
    """One warning or escalation about one deadline of one record, written in the same
    transaction as the record change; delivered later by a job. `dedupe_key` makes it unique."""

    __tablename__ = "reminder"
    __table_args__ = (
        Index("ix_reminder_entity", "entity_type", "entity_id"),
        list_index("ix_reminder_due_id", "due_at", "id"),
        *(
            list_index(f"ix_reminder_{column}_due_id", column, "due_at", "id")
            for column in ("rule", "deadline_at", "status")
        ),
        *estate_list_indexes("reminder", ("due_at",), ("rule", "deadline_at", "status")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Found by the estate-led list indexes below (ix_reminder_estate_list, …).
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estate.id"))
    estate = relationship("Estate")
    rule: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer, default=0)  # 0 warn, 1.. escalations
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    recipient = relationship("Staff")
    recipient_role: Mapped[str | None] = mapped_column(String(32))
    deadline_at: Mapped[datetime] = mapped_column(DateTime)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[ReminderStatus] = mapped_column(
        choice_column(ReminderStatus), default=ReminderStatus.pending
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When a sweep handed it to a job; a job lost with its worker is found by this age.
    queued_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    # A batch's hand-offs to one person, told once (services/handoffs.py, announce_gathered):
    # how many records it announces. Empty for a reminder about one record.
    items: Mapped[int | None] = mapped_column(Integer)

    deliveries = relationship(
        "ReminderDelivery", back_populates="reminder", order_by="ReminderDelivery.id"
    )

    def __str__(self) -> str:
        return f"{self.rule} {self.entity_type}#{self.entity_id}"


class DeliveryChannel(Choice):
    inbox = "inbox", _l("In-panel inbox")
    email = "email", _l("E-mail")
    sms = "sms", _l("SMS")


class DeliveryStatus(Choice):
    pending = "pending", _l("Waiting")
    sending = "sending", _l("Sending")
    sent = "sent", _l("Sent")
    failed = "failed", _l("Failed")
    # The worker stopped while talking to the mail or SMS server: it may or may not have
    # arrived, and it is never sent again (a reminder is never sent twice).
    unknown = "unknown", _l("Interrupted, outcome unknown")


class ReminderDelivery(db.Model):
    """One reminder to one staff member over one channel: its attempts and its outcome."""

    __tablename__ = "reminder_delivery"
    __table_args__ = (
        UniqueConstraint("reminder_id", "staff_id", "channel"),
        Index("ix_reminder_delivery_estate_created", "estate_id", "created_at", "id"),
        Index("ix_reminder_delivery_status_attempt", "status", "last_attempt_at"),
        list_index("ix_reminder_delivery_created_id", "created_at", "id"),
        *(
            list_index(f"ix_reminder_delivery_{column}_created_id", column, "created_at", "id")
            for column in ("channel", "status", "last_attempt_at")
        ),
        *estate_list_indexes(
            "reminder_delivery",
            ("created_at",),
            ("channel", "status", "last_attempt_at"),
            with_default=False,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminder.id", ondelete="CASCADE"))
    reminder = relationship("Reminder", back_populates="deliveries")
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estate.id"))
    estate = relationship("Estate")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    staff = relationship("Staff")
    channel: Mapped[DeliveryChannel] = mapped_column(choice_column(DeliveryChannel))
    address: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[DeliveryStatus] = mapped_column(
        choice_column(DeliveryStatus), default=DeliveryStatus.pending
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    def __str__(self) -> str:
        return f"{self.channel.label if self.channel else ''} #{self.reminder_id}"


class Notification(db.Model):
    """An entry in a staff member's in-panel inbox."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_staff_read", "staff_id", "read_at", "created_at"),
        Index("ix_notification_staff_created", "staff_id", "created_at", "id"),  # the inbox
        # One inbox entry per reminder and person, however often delivery is retried.
        UniqueConstraint("reminder_id", "staff_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminder.id", ondelete="SET NULL"))
    reminder = relationship("Reminder")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
