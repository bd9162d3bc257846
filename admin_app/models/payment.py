"""Payments (收费): a work order's fee, its receipt (收费凭证), invoice request, and the sheets on
which collectors hand the money in to finance (交款单)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Index, Numeric, String, Text
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


class PaymentMethod(Choice):
    """How the resident paid: recorded, never processed by the panel."""

    cash = "cash", _l("Cash")
    wechat = "wechat", _l("WeChat Pay")
    alipay = "alipay", _l("Alipay")
    card = "card", _l("Bank card")


class PaymentState(Choice):
    """A closed work order's fee: paid, owed at the office, or none charged."""

    paid = "paid", _l("Paid")
    unpaid = "unpaid", _l("To pay at the office")
    no_fee = "no_fee", _l("No fee")


class HandInStatus(Choice):
    submitted = "submitted", _l("Handed in, awaiting finance")
    confirmed = "confirmed", _l("Confirmed by finance")


class Payment(EstateScoped, TimestampMixin, db.Model):
    """One work order's fee; paid on the spot or later at the desk, with one receipt."""

    __tablename__ = "payment"
    __table_args__ = (
        Index("ix_payment_estate_state", "estate_id", "state", "created_at", "id"),
        Index("ix_payment_collector_hand_in", "collected_by_id", "hand_in_id"),
        Index("ix_payment_hand_in", "hand_in_id"),
        Index("ix_payment_paid_at", "paid_at"),
        Index("ix_payment_hand_in_due", "hand_in_due_at"),
        list_index("ix_payment_created_id", "created_at", "id"),
        *estate_list_indexes("payment", ("created_at",), ("number", "amount", "method", "paid_at")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A work order's fee, or one line of a move-in's fees (the item names it).
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id"), unique=True)
    work_order = relationship("WorkOrder", backref=db.backref("payment", uselist=False))
    move_in_id: Mapped[int | None] = mapped_column(ForeignKey("move_in.id"), index=True)
    move_in = relationship("MoveIn", backref=db.backref("payments", order_by="Payment.id"))
    item: Mapped[str | None] = mapped_column(String(100))
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    state: Mapped[PaymentState] = mapped_column(
        choice_column(PaymentState), default=PaymentState.unpaid
    )
    method: Mapped[PaymentMethod | None] = mapped_column(choice_column(PaymentMethod))
    # The receipt number: gapless per estate and month (services/numbering.py), given only
    # when money is taken.
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime)
    collected_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    collected_by = relationship("Staff", foreign_keys=[collected_by_id])

    # Money a collector holds until it is on a hand-in sheet (reminders/rules.py).
    hand_in_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    hand_in_id: Mapped[int | None] = mapped_column(ForeignKey("cash_hand_in.id"))
    hand_in = relationship("CashHandIn", back_populates="payments")

    # Invoice (发票) on the resident's request, issued by the desk.
    invoice_title: Mapped[str | None] = mapped_column(String(100))
    invoice_tax_number: Mapped[str | None] = mapped_column(String(20))
    invoice_requested_at: Mapped[datetime | None] = mapped_column(DateTime)
    invoice_number: Mapped[str | None] = mapped_column(String(40))
    invoice_issued_at: Mapped[datetime | None] = mapped_column(DateTime)
    invoice_issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    invoice_issued_by = relationship("Staff", foreign_keys=[invoice_issued_by_id])

    def __str__(self) -> str:
        return self.number or str(self.work_order or self.item or "")


class CashHandIn(EstateScoped, TimestampMixin, db.Model):
    """A hand-in sheet: one collector's payments since the last sheet, and finance's count."""

    __tablename__ = "cash_hand_in"
    __table_args__ = (
        Index("ix_cash_hand_in_estate_status", "estate_id", "status", "handed_in_at", "id"),
        Index("ix_cash_hand_in_collector", "collector_id", "handed_in_at"),
        list_index("ix_cash_hand_in_created_id", "created_at", "id"),
        *estate_list_indexes("cash_hand_in", ("handed_in_at",), ("number", "total")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[HandInStatus] = mapped_column(
        choice_column(HandInStatus), default=HandInStatus.submitted
    )
    collector_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    collector = relationship("Staff", foreign_keys=[collector_id])
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_by = relationship("Staff", foreign_keys=[created_by_id])
    handed_in_at: Mapped[datetime] = mapped_column(DateTime)
    total: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    payments = relationship("Payment", back_populates="hand_in", order_by="Payment.paid_at")

    # Finance's count: entered beside the sheet's total, never over it.
    confirmed_amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    difference: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    confirmed_by = relationship("Staff", foreign_keys=[confirmed_by_id])
    confirm_note: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return self.number or ""
