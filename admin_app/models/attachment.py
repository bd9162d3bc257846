"""Attachment: a photo or PDF kept on a ticket, work order, renovation, inspection or move-in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from admin_app import clock
from admin_app.extensions import db
from admin_app.models.base import EstateScoped

# Record kind -> (foreign-key column, model). One nullable key per kind, not a loose
# type + id pair: the database itself deletes a record's attachments (ON DELETE CASCADE) and
# refuses one that points nowhere; the estate is copied from the record so that the scope
# check on the file is the same clause as on every other record.
RECORD_KEYS = {
    "ticket": "ticket_id",
    "work_order": "work_order_id",
    "renovation": "renovation_id",
    "renovation_inspection": "inspection_id",
    "move_in": "move_in_id",
}
_ONE_RECORD = " + ".join(
    f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)" for column in RECORD_KEYS.values()
)


def _record_link(model: str, column: str):
    # The record's `attachments`: loaded and deleted with it (the stored files follow: see
    # services/attachments.py), newest last as they were taken.
    return relationship(
        model,
        foreign_keys=[column],
        backref=backref(
            "attachments",
            cascade="all, delete-orphan",
            order_by="Attachment.id",
            lazy="select",
        ),
    )


class Attachment(EstateScoped, db.Model):
    __tablename__ = "attachment"
    __table_args__ = (
        CheckConstraint(f"{_ONE_RECORD} = 1", name="one_record"),
        Index("ix_attachment_estate_created", "estate_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), index=True)
    stored_file = relationship("StoredFile", foreign_keys=[stored_file_id])
    # A small copy of an image, for lists and the technician's phone (None for a PDF).
    thumbnail_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    thumbnail_file = relationship("StoredFile", foreign_keys=[thumbnail_file_id])
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket.id", ondelete="CASCADE"), index=True
    )
    work_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_order.id", ondelete="CASCADE"), index=True
    )
    renovation_id: Mapped[int | None] = mapped_column(
        ForeignKey("renovation.id", ondelete="CASCADE"), index=True
    )
    inspection_id: Mapped[int | None] = mapped_column(
        ForeignKey("renovation_inspection.id", ondelete="CASCADE"), index=True
    )
    move_in_id: Mapped[int | None] = mapped_column(
        ForeignKey("move_in.id", ondelete="CASCADE"), index=True
    )
    ticket = _record_link("Ticket", ticket_id)
    work_order = _record_link("WorkOrder", work_order_id)
    renovation = _record_link("Renovation", renovation_id)
    inspection = _record_link("RenovationInspection", inspection_id)
    move_in = _record_link("MoveIn", move_in_id)

    filename: Mapped[str] = mapped_column(String(200), default="")
    content_type: Mapped[str] = mapped_column(String(100))
    caption: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_by = relationship("Staff")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def record_key(self) -> tuple[str, int] | None:
        """(record type, id) of the record it belongs to, read without loading anything (the
        history listener asks inside a flush)."""
        for kind, column in RECORD_KEYS.items():
            value = self.__dict__.get(column)
            if value is not None:
                return kind, value
        return None

    def __str__(self) -> str:
        name = self.__dict__.get("filename") or f"#{self.__dict__.get('id')}"
        caption = self.__dict__.get("caption")
        return f"{name} — {caption}" if caption else name
