"""Work order (维修服务任务单/派工单): dispatch, quote, work, signature, fee and revisit."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, inspect
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
from admin_app.models.payment import PaymentState
from admin_app.models.price import PriceUnit
from admin_app.models.staff import Trade

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """An amount as the columns keep it: to the cent, halves rounded up (四舍五入)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class WorkOrderKind(Choice):
    home_repair_paid = "home_repair_paid", _l("In-home repair (paid)")
    home_repair_free = "home_repair_free", _l("In-home repair (free)")
    public_repair = "public_repair", _l("Public-area repair")
    paid_cleaning = "paid_cleaning", _l("Paid cleaning")
    home_visit = "home_visit", _l("Other home-visit service")


class WorkOrderStatus(Choice):
    new = "new", _l("New")
    dispatched = "dispatched", _l("Dispatched")
    arrived = "arrived", _l("Technician arrived")
    quoted = "quoted", _l("Quoted")
    in_progress = "in_progress", _l("Work in progress")
    next_visit = "next_visit", _l("Next visit booked")
    declined = "declined", _l("Declined by resident")
    done = "done", _l("Work done, awaiting signature")
    closed = "closed", _l("Closed (signed)")
    revisited = "revisited", _l("Revisited")
    cancelled = "cancelled", _l("Cancelled")


# Where an order's work ends: signed (then revisited), cancelled, or its quote declined. Until
# then the order is open, and the call it was made from waits for it (tickets/machine.py).
WORK_ORDER_ENDED = frozenset(
    {
        WorkOrderStatus.closed,
        WorkOrderStatus.revisited,
        WorkOrderStatus.cancelled,
        WorkOrderStatus.declined,
    }
)


class Satisfaction(Choice):
    satisfied = "satisfied", _l("Satisfied")
    basically = "basically", _l("Basically satisfied")
    unsatisfied = "unsatisfied", _l("Unsatisfied")


class RevisitChannel(Choice):
    phone = "phone", _l("Phone call")
    online = "online", _l("Online (the resident's own rating)")


class WorkOrder(EstateScoped, TimestampMixin, db.Model):
    __tablename__ = "work_order"
    __audit_exclude__ = frozenset({"signature_file_id"})
    __table_args__ = (
        Index("ix_work_order_estate_status_created", "estate_id", "status", "created_at", "id"),
        Index("ix_work_order_technician_status", "technician_id", "status"),
        Index("ix_work_order_arrive_by", "arrive_by"),
        Index("ix_work_order_revisit_due", "revisit_due_at"),
        list_index("ix_work_order_created_id", "created_at", "id"),
        list_index("ix_work_order_status_created", "status", "created_at", "id"),
        list_index("ix_work_order_kind_created", "kind", "created_at", "id"),
        list_index("ix_work_order_trade_created", "trade", "created_at", "id"),
        list_index("ix_work_order_emergency_created", "is_emergency", "created_at", "id"),
        list_index("ix_work_order_appointment_created", "appointment_at", "created_at", "id"),
        Index("ix_work_order_revisited_at", "revisited_at"),
        Index("ix_work_order_closed_at", "closed_at"),
        *estate_list_indexes(
            "work_order", ("created_at",), ("number", "kind", "trade", "appointment_at")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    ticket = relationship("Ticket", foreign_keys=[ticket_id], backref="work_orders")
    kind: Mapped[WorkOrderKind] = mapped_column(
        choice_column(WorkOrderKind), default=WorkOrderKind.home_repair_paid
    )
    trade: Mapped[Trade] = mapped_column(choice_column(Trade), default=Trade.plumbing)
    is_emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[WorkOrderStatus] = mapped_column(
        choice_column(WorkOrderStatus), default=WorkOrderStatus.new
    )
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    unit = relationship("Unit")
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    resident = relationship("Resident")
    contact_name: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    location: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)

    # Dispatch: emergencies must be reached within 15 minutes, others at the agreed time.
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    technician = relationship("Staff", foreign_keys=[technician_id])
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime)
    dispatched_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    dispatched_by = relationship("Staff", foreign_keys=[dispatched_by_id])
    arrive_by: Mapped[datetime | None] = mapped_column(DateTime)
    appointment_at: Mapped[datetime | None] = mapped_column(DateTime)
    arrived_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Damage found on arrival, noted before work and shown on the quote the resident accepts.
    arrival_damage: Mapped[str | None] = mapped_column(Text)

    # Quote before starting; a refused quote declines the order. Built from lines (below);
    # labour and materials hold the lines' sums, so lists and statistics read them as before.
    quote_labour: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    quote_materials: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    quote_accepted: Mapped[bool | None] = mapped_column(Boolean)
    quote_decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    next_visit_at: Mapped[datetime | None] = mapped_column(DateTime)
    work_notes: Mapped[str | None] = mapped_column(Text)
    work_done_at: Mapped[datetime | None] = mapped_column(DateTime)

    # Closing: the resident signs, the fee is collected.
    signer_name: Mapped[str | None] = mapped_column(String(50))
    signature_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    signature_file = relationship("StoredFile")
    # What the resident said of the service when asked at signing (第二十二条), his words.
    signing_opinion: Mapped[str | None] = mapped_column(Text)
    fee_collected: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    # Set at closing: paid on the spot, to pay at the office, or no fee (models/payment.py).
    payment_state: Mapped[PaymentState | None] = mapped_column(choice_column(PaymentState))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_reason: Mapped[str | None] = mapped_column(Text)

    # Revisit (回访) the next day.
    revisit_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    revisited_at: Mapped[datetime | None] = mapped_column(DateTime)
    revisited_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    revisited_by = relationship("Staff", foreign_keys=[revisited_by_id])
    rating_timeliness: Mapped[int | None] = mapped_column(Integer)
    rating_quality: Mapped[int | None] = mapped_column(Integer)
    rating_fee: Mapped[int | None] = mapped_column(Integer)
    rating_attitude: Mapped[int | None] = mapped_column(Integer)
    satisfaction: Mapped[Satisfaction | None] = mapped_column(choice_column(Satisfaction))
    revisit_comment: Mapped[str | None] = mapped_column(Text)
    # How the revisit was given: the desk's call, or the resident's own rating (portal/).
    revisit_channel: Mapped[RevisitChannel | None] = mapped_column(choice_column(RevisitChannel))
    followup_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    followup_ticket = relationship("Ticket", foreign_keys=[followup_ticket_id])

    quote_lines = relationship(
        "QuoteLine",
        back_populates="work_order",
        order_by="QuoteLine.position",
        cascade="all, delete-orphan",
    )
    # Residents' chases (催单), newest first (models/dispatch.py).
    chases = relationship(
        "WorkOrderChase",
        back_populates="work_order",
        order_by="WorkOrderChase.called_at.desc(), WorkOrderChase.id.desc()",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def quote_total(self) -> Decimal | None:
        """What the resident is asked to agree to: the sum of the lines (labour and materials
        together for a quote recorded before quotes had lines)."""
        # The lines when they are loaded; otherwise the columns, which the quote verb writes
        # as the lines' sums in the same transaction (a list of orders loads no lines).
        if "quote_lines" not in inspect(self).unloaded and self.quote_lines:
            return sum((line.total for line in self.quote_lines), Decimal("0.00"))
        if self.quote_labour is None and self.quote_materials is None:
            return None
        return (self.quote_labour or Decimal(0)) + (self.quote_materials or Decimal(0))

    def __str__(self) -> str:
        return self.number or ""


class QuoteLine(EstateScoped, db.Model):
    """One line of a quote: an item of the price list (its prices copied, so a later price
    change leaves the quote as the resident agreed to it) or one typed with a reason."""

    __tablename__ = "quote_line"
    __table_args__ = (Index("ix_quote_line_estate_order", "estate_id", "work_order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(
        ForeignKey("work_order.id", ondelete="CASCADE"), index=True
    )
    work_order = relationship(WorkOrder, back_populates="quote_lines")
    position: Mapped[int] = mapped_column(Integer, default=0)
    price_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("price_item.id", ondelete="SET NULL"), index=True
    )
    price_item = relationship("PriceItem")
    description: Mapped[str] = mapped_column(String(100))
    unit: Mapped[PriceUnit | None] = mapped_column(choice_column(PriceUnit))
    quantity: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    unit_labour: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    unit_materials: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    # Why a line is not from the price list (required for a typed line).
    reason: Mapped[str | None] = mapped_column(String(200))

    @property
    def quantity_text(self) -> str:
        """The quantity as a person writes it: 2, 1.5 (not 2.00, 1.50)."""
        return f"{self.quantity.normalize():f}"

    @property
    def labour(self) -> Decimal:
        return money(self.quantity * self.unit_labour)

    @property
    def materials(self) -> Decimal:
        return money(self.quantity * self.unit_materials)

    @property
    def total(self) -> Decimal:
        return self.labour + self.materials

    def __str__(self) -> str:
        # How the order's history names the line (the words as typed or copied from the price
        # list, in no language of the day): "更换给水管 × 2".
        return f"{self.description} × {self.quantity_text}"
