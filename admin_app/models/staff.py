"""Staff (员工): the login account, its role, its estates and (for technicians) its trades."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from admin_app.extensions import db
from admin_app.models.base import Choice, TimestampMixin, choice_column


class Role(Choice):
    receptionist = "receptionist", _l("Receptionist")
    supervisor = "supervisor", _l("Supervisor")
    director = "director", _l("Director")
    technician = "technician", _l("Technician")
    guard = "guard", _l("Guard")
    admin = "admin", _l("Administrator")


class Trade(Choice):
    plumbing = "plumbing", _l("Plumbing")
    electrical = "electrical", _l("Electrical")
    carpentry = "carpentry", _l("Carpentry")
    cleaning = "cleaning", _l("Cleaning")
    locks = "locks", _l("Locks")
    appliances = "appliances", _l("Appliances")


staff_estate = Table(
    "staff_estate",
    db.metadata,
    Column("staff_id", Integer, ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
    Column("estate_id", Integer, ForeignKey("estate.id", ondelete="CASCADE"), primary_key=True),
)


class StaffTrade(db.Model):
    __tablename__ = "staff_trade"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    trade: Mapped[Trade] = mapped_column(choice_column(Trade), primary_key=True)


class Staff(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "staff"
    __audit_exclude__ = frozenset(
        {"password_hash", "session_token", "failed_logins", "locked_until", "last_login_at"}
    )
    # The inbox's unread count read with the signed-in user (the user's load), not a column:
    # the navigation bar shows it without a query of its own (views/inbox.py, unread_badge).
    unread_at_load = None

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(choice_column(Role), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Directors and administrators may span every estate of the company.
    all_estates: Mapped[bool] = mapped_column(Boolean, default=False)
    locale: Mapped[str | None] = mapped_column(String(16))
    # Rotated on password change or deactivation: every session of the old token ends.
    session_token: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    estates = relationship("Estate", secondary=staff_estate, lazy="selectin")
    trade_links = relationship(StaffTrade, cascade="all, delete-orphan", lazy="selectin")

    @property
    def trades(self) -> set[Trade]:
        return {link.trade for link in self.trade_links}

    @trades.setter
    def trades(self, values) -> None:
        wanted = {Trade(v) for v in values or ()}
        self.trade_links = [link for link in self.trade_links if link.trade in wanted] + [
            StaffTrade(trade=t) for t in sorted(wanted - self.trades)
        ]

    @property
    def estate_ids(self) -> set[int]:
        return {e.id for e in self.estates}

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)
        self.session_token = secrets.token_hex(16)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    # Flask-Login
    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def __str__(self) -> str:
        return f"{self.name} ({self.role.label})" if self.role else self.name


class LoginName(db.Model):
    """Failed logins under a name no account has, counted and locked like an account's, so
    that no answer tells which names exist."""

    __tablename__ = "login_name"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
