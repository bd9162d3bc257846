"""Ticket (客户来电来访登记): every contact with a resident, with the complaint fields."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from admin_app.models.base import (
    Choice,
    EstateScoped,
    TimestampMixin,
    carrying,
    choice_column,
    estate_list_indexes,
    list_index,
)


class Channel(Choice):
    phone = "phone", _l("Telephone")
    visit = "visit", _l("Walk-in visit")
    letter = "letter", _l("Letter")
    online = "online", _l("Online")
    guard = "guard", _l("Reported by guard on duty")
    patrol = "patrol", _l("Staff patrol")
    # A resident's complaint sent to the company and passed on to the office: its result is
    # reported back to the company in writing (001 四(二)1③).
    company = "company", _l("Forwarded by the company")


class TicketCategory(Choice):
    inquiry = "inquiry", _l("Inquiry")
    help = "help", _l("Help request")
    repair = "repair", _l("Repair / paid service")
    suggestion = "suggestion", _l("Suggestion")
    complaint = "complaint", _l("Complaint")


class TicketStatus(Choice):
    open = "open", _l("Open")
    in_progress = "in_progress", _l("In progress")
    escalated = "escalated", _l("Escalated")
    resolved = "resolved", _l("Resolved")
    closed = "closed", _l("Closed")
    cancelled = "cancelled", _l("Cancelled")


class ComplaintCode(Choice):
    service_attitude = "service_attitude", _l("Staff attitude")
    repair_quality = "repair_quality", _l("Repair quality")
    fees = "fees", _l("Fees")
    cleaning = "cleaning", _l("Cleaning and environment")
    security = "security", _l("Security")
    parking = "parking", _l("Parking and traffic")
    facilities = "facilities", _l("Facilities and equipment")
    neighbours = "neighbours", _l("Neighbours and noise")
    other = "other", _l("Other")


class Severity(Choice):
    ordinary = "ordinary", _l("Ordinary")
    serious = "serious", _l("Serious")


class Validity(Choice):
    pending = "pending", _l("Not yet judged")
    valid = "valid", _l("Valid")
    invalid = "invalid", _l("Invalid")


# The list's filter and sort columns its estate indexes carry: a date range, a category and
# a sort by number (or status, channel) for a supervisor is read from one index range per
# estate, without a visit to the table for each of the month's tickets (migration 0033).
LIST_CARRIED = ("number", "category", "status", "channel")


class Ticket(EstateScoped, TimestampMixin, db.Model):
    __tablename__ = "ticket"
    __table_args__ = (
        Index(
            "ix_ticket_estate_status_received",
            "estate_id",
            "status",
            "received_at",
            "id",
            **carrying(LIST_CARRIED, "status"),
        ),
        Index(
            "ix_ticket_estate_received",
            "estate_id",
            "received_at",
            "id",
            **carrying(LIST_CARRIED),
        ),
        Index("ix_ticket_estate_category_status", "estate_id", "category", "status"),
        Index("ix_ticket_callback_due", "callback_due_at"),
        Index("ix_ticket_complaint_due", "complaint_due_at"),
        # The complaints a supervisor or director answers for (the dashboard's card).
        Index("ix_ticket_owner_status", "owner_id", "status"),
        # The tickets assigned to a person (the dashboard's card, the batch's one message).
        Index("ix_ticket_assignee_status", "assignee_id", "status"),
        # … and the calls a person took that nobody was given (首问负责制): with the index
        # above, the card's OR reads two small index ranges instead of the estates' open calls.
        Index(
            "ix_ticket_received_unassigned",
            "received_by_id",
            "status",
            postgresql_where=text("assignee_id IS NULL"),
            sqlite_where=text("assignee_id IS NULL"),
        ),
        Index("ix_ticket_reporter_phone", "reporter_phone"),
        # A list page is an index walk: the default order, and each filter or sort column
        # followed by the default order (see ListingMixin.tie_breakers).
        list_index("ix_ticket_received_id", "received_at", "id"),
        list_index("ix_ticket_category_received", "category", "received_at", "id"),
        list_index("ix_ticket_status_received", "status", "received_at", "id"),
        list_index("ix_ticket_channel_received", "channel", "received_at", "id"),
        list_index("ix_ticket_severity_received", "severity", "received_at", "id"),
        list_index("ix_ticket_validity_received", "validity", "received_at", "id"),
        *estate_list_indexes(
            "ticket",
            ("received_at",),
            ("number", "category", "channel"),
            with_default=False,
            carried=LIST_CARRIED,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[Channel] = mapped_column(choice_column(Channel), default=Channel.phone)
    category: Mapped[TicketCategory] = mapped_column(choice_column(TicketCategory))
    status: Mapped[TicketStatus] = mapped_column(
        choice_column(TicketStatus), default=TicketStatus.open
    )

    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    unit = relationship("Unit")
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    resident = relationship("Resident")
    reporter_name: Mapped[str | None] = mapped_column(String(50))
    reporter_phone: Mapped[str | None] = mapped_column(String(20))
    location: Mapped[str | None] = mapped_column(String(200))
    occurred_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Handled first, recorded after (先處理後補辦手續, 000 §4.6): deadlines run from occurred_at.
    after_the_fact: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    description: Mapped[str] = mapped_column(Text)
    request: Mapped[str | None] = mapped_column(Text)  # what the resident asks for
    # The desk's note when passing the ticket up: its own words, never the resident's.
    escalation_note: Mapped[str | None] = mapped_column(Text)

    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    received_by = relationship("Staff", foreign_keys=[received_by_id])
    received_at: Mapped[datetime] = mapped_column(DateTime)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    assignee = relationship("Staff", foreign_keys=[assignee_id])

    # An inquiry answered later: the promised callback time is a deadline.
    callback_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    result: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resident_informed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    # Complaint handling (category == complaint).
    complaint_code: Mapped[ComplaintCode | None] = mapped_column(choice_column(ComplaintCode))
    severity: Mapped[Severity | None] = mapped_column(choice_column(Severity))
    validity: Mapped[Validity | None] = mapped_column(choice_column(Validity))
    complaint_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id")
    )  # director for serious ones
    owner = relationship("Staff", foreign_keys=[owner_id])
    cause: Mapped[str | None] = mapped_column(Text)
    responsible_department: Mapped[str | None] = mapped_column(String(100))
    responsible_person: Mapped[str | None] = mapped_column(String(50))
    corrective_action: Mapped[str | None] = mapped_column(Text)
    handled_at: Mapped[datetime | None] = mapped_column(DateTime)
    reported_back_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Forwarded by the company: its reference, and the written report of the result to it.
    company_ref: Mapped[str | None] = mapped_column(String(50))
    company_reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    company_report: Mapped[str | None] = mapped_column(Text)  # how and to whom it was sent
    revisited_at: Mapped[datetime | None] = mapped_column(DateTime)
    revisited_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    revisited_by = relationship("Staff", foreign_keys=[revisited_by_id])
    revisit_note: Mapped[str | None] = mapped_column(Text)
    # An unsatisfied revisit reopens the complaint: a new round, owned one level up.
    complaint_round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    department = relationship("Department")
    closing_reason: Mapped[str | None] = mapped_column(Text)  # the director's, still unsatisfied
    rounds = relationship(
        "ComplaintRound", back_populates="ticket", order_by="ComplaintRound.number"
    )
    actions = relationship(
        "CorrectiveAction", back_populates="ticket", order_by="CorrectiveAction.id"
    )

    def __str__(self) -> str:
        return self.number or ""
