"""The verbs: add a photo or PDF to a record, remove one; each written in the record's history."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from admin_app.attachments.content import check
from admin_app.auth.permissions import may
from admin_app.auth.scope import estate_allowed
from admin_app.extensions import db
from admin_app.models.attachment import RECORD_KEYS, Attachment
from admin_app.services import history, storage
from admin_app.services.errors import Forbidden, NotFound, ServiceError

CAPTION_MAX = 200


def record_kind(record) -> str:
    kind = type(record).__tablename__
    if kind not in RECORD_KEYS:
        raise ValueError(f"{kind} records take no attachments")
    return kind


def may_add(actor, record) -> bool:
    return may(actor, f"{record_kind(record)}.attach") and estate_allowed(actor, record.estate_id)


def may_remove(actor, attachment: Attachment, record) -> bool:
    """Supervisors remove any; whoever added one may take it back (a wrong photo)."""
    if not estate_allowed(actor, record.estate_id):
        return False
    kind = record_kind(record)
    if may(actor, f"{kind}.remove_attachment"):
        return True
    return attachment.created_by_id == actor.id and may(actor, f"{kind}.attach")


def add_attachment(
    record, actor, *, data: bytes, filename: str = "", caption: str | None = None
) -> Attachment:
    """Check the file by its content, store it (images re-encoded, with a thumbnail) and attach
    it to the record; a refused file raises ServiceError and stores nothing."""
    if not estate_allowed(actor, record.estate_id):
        raise NotFound(_l("The record was not found."))
    if not may_add(actor, record):
        raise Forbidden(_l("Your role may not attach files to this record."))
    caption = (caption or "").strip() or None
    if caption and len(caption) > CAPTION_MAX:
        raise ServiceError(_l("The caption is longer than %(max)s characters."), max=CAPTION_MAX)
    config = current_app.config
    checked = check(
        data,
        filename,
        max_bytes=config["ATTACHMENT_MAX_BYTES"],
        max_px=config["ATTACHMENT_IMAGE_MAX_PX"],
    )
    with history.action("add_attachment", actor=actor):
        stored = storage.save_file(
            checked.data,
            content_type=checked.content_type,
            filename=checked.filename,
            estate_id=record.estate_id,
            created_by_id=actor.id,
        )
        thumbnail = None
        if checked.thumbnail is not None:
            thumbnail = storage.save_file(
                checked.thumbnail,
                content_type=checked.content_type,
                filename=f"thumb-{checked.filename}",
                estate_id=record.estate_id,
                created_by_id=actor.id,
            )
        attachment = Attachment(
            estate_id=record.estate_id,
            stored_file_id=stored.id,
            thumbnail_file_id=thumbnail.id if thumbnail else None,
            filename=checked.filename,
            content_type=checked.content_type,
            caption=caption,
            created_by_id=actor.id,
            **{RECORD_KEYS[record_kind(record)]: record.id},
        )
        db.session.add(attachment)
        db.session.flush()
    return attachment


def remove_attachment(attachment: Attachment, record, actor) -> None:
    """Delete the attachment and its files (the bucket's objects go after the commit)."""
    if attachment.record_key() != (record_kind(record), record.id):
        raise NotFound(_l("The attachment was not found."))
    if not may_remove(actor, attachment, record):
        raise Forbidden(_l("Only a supervisor or whoever added it may remove an attachment."))
    with history.action("remove_attachment", actor=actor):
        db.session.delete(attachment)
        db.session.flush()


def attachments_of(record) -> list[Attachment]:
    return (
        db.session.query(Attachment)
        .filter(getattr(Attachment, RECORD_KEYS[record_kind(record)]) == record.id)
        .order_by(Attachment.id)
        .all()
    )
