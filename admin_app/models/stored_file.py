"""Stored file: signatures, photos and uploads live in the database (or an S3-compatible bucket,
services/storage.py), never on a web server's disk, so any number of web processes serve them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from admin_app import clock
from admin_app.extensions import db


class StoredFile(db.Model):
    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estate.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # The bytes, or None when they are in the bucket under object_key.
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    object_key: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))

    def __str__(self) -> str:
        return self.filename or f"file-{self.id}"
