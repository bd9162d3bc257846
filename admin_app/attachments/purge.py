"""An attachment deleted — removed, or purged with its record — takes its stored files along."""

from __future__ import annotations

from sqlalchemy.orm import Session

from admin_app.extensions import listen_once
from admin_app.models.attachment import Attachment
from admin_app.services import storage


def _before_flush(session: Session, flush_context, instances) -> None:
    for obj in list(session.deleted):
        if not isinstance(obj, Attachment):
            continue
        for stored in (obj.stored_file, obj.thumbnail_file):
            if stored is not None and stored not in session.deleted:
                storage.delete(stored)


def install() -> None:
    listen_once(Session, "before_flush", _before_flush)
