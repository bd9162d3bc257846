"""Household document (住户档案): a scan or PDF kept in a unit's file, optionally a resident's."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app import clock
from admin_app.extensions import db
from admin_app.models.base import Choice, EstateScoped, choice_column


class DocumentKind(Choice):
    agreement = "agreement", _l("Signed agreement")
    registration_form = "registration_form", _l("Registration form")
    id_copy = "id_copy", _l("ID copy")
    permit = "permit", _l("Permit")
    other = "other", _l("Other document")


class HouseholdDocument(EstateScoped, db.Model):
    __tablename__ = "household_document"
    __table_args__ = (Index("ix_household_document_estate_unit", "estate_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    unit = relationship("Unit")
    # The resident it concerns (an ID copy, a tenant's form); None: the whole household's.
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("resident.id", ondelete="SET NULL"), index=True
    )
    resident = relationship("Resident")
    kind: Mapped[DocumentKind] = mapped_column(choice_column(DocumentKind))
    document_date: Mapped[date] = mapped_column(Date)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), index=True)
    stored_file = relationship("StoredFile")
    filename: Mapped[str] = mapped_column(String(200), default="")
    content_type: Mapped[str] = mapped_column(String(100))
    # The bytes are encrypted like ID numbers (ID copies): see archive/operations.py.
    encrypted: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_by = relationship("Staff")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def record_key(self) -> tuple[str, int] | None:
        """Written in the unit's history (services/history.py), read without loading."""
        unit_id = self.__dict__.get("unit_id")
        return ("unit", unit_id) if unit_id is not None else None

    def __str__(self) -> str:
        name = self.__dict__.get("filename") or f"#{self.__dict__.get('id')}"
        kind = self.__dict__.get("kind")
        return f"{kind.value}: {name}" if kind is not None else name

    @staticmethod
    def history_text(stored: str) -> str:
        """The unit's history keeps a document as __str__ wrote it ("agreement: scan.jpg", the
        kind's code, in no language): read with the kind's label in the reader's language."""
        code, colon, name = stored.partition(": ")
        try:
            kind = DocumentKind(code)
        except ValueError:  # no kind, or a filename with no kind before it
            return stored
        return f"{kind}: {name}" if colon else str(kind)
