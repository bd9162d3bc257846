"""Departments (部门) of an estate, and a complaint's rounds and corrective actions (纠正措施)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from admin_app.models.base import (
    Choice,
    EstateScoped,
    TimestampMixin,
    choice_column,
    estate_list_indexes,
)
from admin_app.models.work_order import Satisfaction  # the same three answers as a repair's

department_member = Table(
    "department_member",
    db.metadata,
    Column(
        "department_id", Integer, ForeignKey("department.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("staff_id", Integer, ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
)


class Department(EstateScoped, TimestampMixin, db.Model):
    """工程部, 保洁部, 安保部, 客服部 … of one estate: its head hears what is handed to it."""

    __tablename__ = "department"
    __table_args__ = (Index("ix_department_estate_name", "estate_id", "name", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    head_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    head = relationship("Staff", foreign_keys=[head_id])
    members = relationship("Staff", secondary=department_member, lazy="selectin")

    def __str__(self) -> str:
        return self.name or ""


class ComplaintRound(EstateScoped, db.Model):
    """One round of handling a complaint, ended by its revisit (or the director's closing)."""

    __tablename__ = "complaint_round"
    __table_args__ = (
        Index("ix_complaint_round_ticket", "ticket_id", "number", unique=True),
        Index("ix_complaint_round_estate", "estate_id", "revisited_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    ticket = relationship("Ticket", back_populates="rounds")
    number: Mapped[int] = mapped_column(Integer)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    owner = relationship("Staff", foreign_keys=[owner_id])
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[Satisfaction] = mapped_column(choice_column(Satisfaction))
    resident_words: Mapped[str] = mapped_column(Text)
    revisited_at: Mapped[datetime] = mapped_column(DateTime)
    revisited_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    revisited_by = relationship("Staff", foreign_keys=[revisited_by_id])


class ActionStatus(Choice):
    open = "open", _l("Open")
    done = "done", _l("Done, to be verified")
    verified = "verified", _l("Verified")


class CorrectiveAction(EstateScoped, TimestampMixin, db.Model):
    """What is to be put right after a complaint, by whom and by when; the service centre
    checks it was done [003 二4(5)2]."""

    __tablename__ = "corrective_action"
    __table_args__ = (
        Index("ix_corrective_action_estate_status_due", "estate_id", "status", "due_at", "id"),
        Index("ix_corrective_action_department_status", "department_id", "status"),
        Index("ix_corrective_action_due", "due_at"),
        *estate_list_indexes("corrective_action", ("due_at",), ("number",)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    ticket = relationship("Ticket", back_populates="actions")
    status: Mapped[ActionStatus] = mapped_column(
        choice_column(ActionStatus), default=ActionStatus.open
    )
    what: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    owner = relationship("Staff", foreign_keys=[owner_id])
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    department = relationship("Department")
    due_at: Mapped[datetime] = mapped_column(DateTime)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    done_by = relationship("Staff", foreign_keys=[done_by_id])
    done_note: Mapped[str | None] = mapped_column(Text)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    verified_by = relationship("Staff", foreign_keys=[verified_by_id])
    verification: Mapped[str | None] = mapped_column(Text)  # how it was checked

    def __str__(self) -> str:
        return self.number or ""
