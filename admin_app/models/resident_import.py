"""A resident import: one upload of a resident list, from preview to commit (the table keeps
its first name, import_batch).

The uploaded file itself is a StoredFile (in the database, so any web process or worker can
read it); the batch keeps who, when, which estate, the column mapping, the preview's counts and
problems, the progress of background work and the outcome. It is the record of every import.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from admin_app.extensions import db
from admin_app.models.base import Choice, EstateScoped, TimestampMixin, choice_column


class ImportStatus(Choice):
    mapping = "mapping", _l("Columns to match")
    checking = "checking", _l("Checking")
    ready = "ready", _l("Waiting for confirmation")
    importing = "importing", _l("Importing")
    done = "done", _l("Imported")
    refused = "refused", _l("Refused")
    failed = "failed", _l("Failed")
    cancelled = "cancelled", _l("Cancelled")

    @property
    def running(self) -> bool:
        return self in (ImportStatus.checking, ImportStatus.importing)


class ResidentImport(EstateScoped, TimestampMixin, db.Model):
    __tablename__ = "import_batch"
    __table_args__ = (Index("ix_import_batch_estate_created", "estate_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_file.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_by = relationship("Staff", foreign_keys=[created_by_id])
    create_units: Mapped[bool] = mapped_column(Boolean, default=False)
    # "residents", or "units": a unit list (floor, area, type, state), with or without owners.
    kind: Mapped[str] = mapped_column(String(16), default="residents", server_default="residents")
    status: Mapped[ImportStatus] = mapped_column(
        choice_column(ImportStatus), default=ImportStatus.checking
    )

    # What was read: "csv" / "xlsx", the detected encoding and delimiter, the header row and
    # which field each column feeds ("" = ignored).
    file_format: Mapped[str] = mapped_column(String(8), default="")
    encoding: Mapped[str] = mapped_column(String(32), default="")
    delimiter: Mapped[str] = mapped_column(String(4), default="")
    header: Mapped[list | None] = mapped_column(JSON)
    mapping: Mapped[list | None] = mapped_column(JSON)

    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    new_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_count: Mapped[int] = mapped_column(Integer, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0)
    invalid_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    units_created: Mapped[int] = mapped_column(Integer, default=0)

    # Background progress, written by the job on its own connection so every web process sees it.
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)

    # The preview's decisions in short (re-checked at commit), its samples and every problem.
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    preview: Mapped[dict | None] = deferred(mapped_column(JSON))
    problems: Mapped[list | None] = deferred(mapped_column(JSON))
    # The preview's checked rows as the commit writes them (PostgreSQL; importing/staging.py),
    # compressed and encrypted; cleared once imported or cancelled.
    staged: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    # Why the file was refused or the import failed: [code, params], rendered when shown.
    refusal: Mapped[list | None] = mapped_column(JSON)
    notice: Mapped[str] = mapped_column(String(32), default="")

    checked_at: Mapped[datetime | None] = mapped_column(DateTime)
    committed_at: Mapped[datetime | None] = mapped_column(DateTime)
    committed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    committed_by = relationship("Staff", foreign_keys=[committed_by_id])

    def __str__(self) -> str:
        return f"#{self.id} {self.filename}"
