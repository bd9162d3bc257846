"""Dispatch that suggests itself: whose turn it is per estate and trade, and residents' chases
(催单) logged on a work order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from admin_app.models.base import EstateScoped, choice_column
from admin_app.models.staff import Trade


class DispatchTurn(EstateScoped, db.Model):
    """The technician who last received an order of a trade in an estate: with the estate's
    round-robin on, the next order of that trade goes to the one after him."""

    __tablename__ = "dispatch_turn"
    __table_args__ = (Index("ix_dispatch_turn_estate_trade", "estate_id", "trade", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trade: Mapped[Trade] = mapped_column(choice_column(Trade))
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    # How many orders of the trade the estate dispatched: a turn is one step of it.
    turns: Mapped[int] = mapped_column(Integer, default=0)


class WorkOrderChase(EstateScoped, db.Model):
    """A resident chasing an order (催单): who called, when, what was said, who took it."""

    __tablename__ = "work_order_chase"
    __table_args__ = (Index("ix_work_order_chase_estate_called", "estate_id", "called_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(
        ForeignKey("work_order.id", ondelete="CASCADE"), index=True
    )
    work_order = relationship("WorkOrder", back_populates="chases")
    caller: Mapped[str] = mapped_column(String(50))
    called_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)
    # The order's technician when the resident called (the count per technician).
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    technician = relationship("Staff", foreign_keys=[technician_id])
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    logged_by = relationship("Staff", foreign_keys=[logged_by_id])

    def __str__(self) -> str:
        return f"{self.called_at:%Y-%m-%d %H:%M} {self.caller}"
