"""The residents' pages' sign-in codes: one row per code sent, kept in the database so that
every web process checks the same codes. Neither the phone nor the code is stored readable:
both are keyed digests (admin_app/portal/codes.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from admin_app import clock
from admin_app.extensions import db


class ResidentSignInCode(db.Model):
    __tablename__ = "resident_sign_in_code"
    __table_args__ = (Index("ix_resident_sign_in_code_phone", "phone_digest", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_digest: Mapped[str] = mapped_column(String(64))
    code_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    # Set once, by the one request that used it (or when too many wrong tries voided it).
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    wrong_tries: Mapped[int] = mapped_column(Integer, default=0)
