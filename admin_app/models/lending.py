"""The gate's lending box (百宝箱, 001 二(一)5): a pump, umbrellas, a trolley, lent free for use
inside the estate, and the loans of them.

A box item is one kind of thing and how many the box holds (2 umbrellas); its `lend_hours`
is when one should be back. A loan names who took which item, for which unit, and when it came
back. A loan holds a resident's name and phone: returned ones are forgotten after
RETENTION_LOAN_DAYS (retention/purge.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app import clock
from admin_app.extensions import db
from admin_app.models.base import EstateScoped, TimestampMixin, list_index


class BoxItem(EstateScoped, TimestampMixin, db.Model):
    __tablename__ = "box_item"
    __table_args__ = (
        UniqueConstraint("estate_id", "name", name="uq_box_item_estate_name"),
        list_index("ix_box_item_name_id", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    count: Mapped[int] = mapped_column(Integer, default=1)  # how many the box holds
    lend_hours: Mapped[int] = mapped_column(Integer, default=24)  # back within
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # offered at the gate

    def __str__(self) -> str:
        return self.name


class Loan(EstateScoped, TimestampMixin, db.Model):
    __tablename__ = "loan"
    # The phone is shown masked on every page: the history must not show it whole.
    __audit_exclude__ = frozenset({"phone"})
    __table_args__ = (
        # "Lent out" at the gate: an estate's loans not back yet, oldest first.
        Index("ix_loan_estate_returned", "estate_id", "returned_at", "lent_at"),
        # How many of an item are out (the box's count).
        Index("ix_loan_item_returned", "item_id", "returned_at"),
        list_index("ix_loan_lent_id", "lent_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("box_item.id"))
    item = relationship("BoxItem", lazy="joined", innerjoin=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    unit = relationship("Unit", lazy="joined", innerjoin=True)
    borrower_name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    lent_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    lent_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    lent_by = relationship("Staff", foreign_keys=[lent_by_id])
    # Not back by then: the gate is reminded to call (services/reminders/rules.py).
    due_at: Mapped[datetime] = mapped_column(DateTime)
    returned_at: Mapped[datetime | None] = mapped_column(DateTime)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    returned_by = relationship("Staff", foreign_keys=[returned_by_id])

    def __str__(self) -> str:
        return f"{self.item.name} · {self.borrower_name} {self.lent_at:%Y-%m-%d %H:%M}"
