"""Per-estate, per-kind, per-month counters behind readable numbers such as HY-WO2611-0007."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from admin_app.extensions import db


class NumberSequence(db.Model):
    __tablename__ = "number_sequence"

    estate_id: Mapped[int] = mapped_column(
        ForeignKey("estate.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)
