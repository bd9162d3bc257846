"""The working-day calendar (工作日) of an estate: the days that differ from the statutory
defaults (services/calendar/defaults.py), set by a supervisor."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from admin_app.extensions import db
from admin_app.models.base import EstateScoped, TimestampMixin


class WorkdayOverride(EstateScoped, TimestampMixin, db.Model):
    """One day of one estate: a working day or a day off, whatever the weekday and the
    statutory calendar say (a local holiday, a make-up day, a holiday the office works)."""

    __tablename__ = "workday_override"
    __table_args__ = (Index("ix_workday_override_estate_day", "estate_id", "day", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    working: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(100))

    def __str__(self) -> str:
        return self.day.isoformat() if self.day else ""
