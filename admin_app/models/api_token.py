"""Tokens of the office's other systems (call centre, gate barrier, reports) for /api/v1, and
the log of every call they make."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app import clock
from admin_app.extensions import db
from admin_app.models.base import TimestampMixin

api_token_estate = Table(
    "api_token_estate",
    db.metadata,
    Column("token_id", Integer, ForeignKey("api_token.id", ondelete="CASCADE"), primary_key=True),
    Column("estate_id", Integer, ForeignKey("estate.id", ondelete="CASCADE"), primary_key=True),
)


class ApiToken(TimestampMixin, db.Model):
    """One integration's key. Only the SHA-256 of the secret is kept: the secret itself is
    shown once, when the token is made."""

    __tablename__ = "api_token"
    # Written on every call, and a secret's digest: neither belongs in the history.
    __audit_exclude__ = frozenset({"last_used_at", "secret_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # The first characters of the secret, to tell tokens apart on the list (not enough to use).
    prefix: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    estates = relationship("Estate", secondary=api_token_estate, lazy="selectin")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_by = relationship("Staff")
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def estate_ids(self) -> set[int]:
        return {e.id for e in self.estates}

    def __str__(self) -> str:
        return self.name or ""


class ApiCall(db.Model):
    """One request to /api/v1: which token, what, the answer's status, when, which estate."""

    __tablename__ = "api_call"
    __table_args__ = (Index("ix_api_call_token_at", "token_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, index=True)
    # No token (missing or unknown) is logged too: someone knocking with a wrong key.
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id", ondelete="CASCADE"))
    token = relationship("ApiToken")
    method: Mapped[str] = mapped_column(String(8))
    endpoint: Mapped[str] = mapped_column(String(80))
    status: Mapped[int] = mapped_column(Integer)
    estate_id: Mapped[int | None] = mapped_column(Integer)
