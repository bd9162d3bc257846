"""Storage of uploaded and drawn files (signatures, photos, attachments).

Web processes keep nothing on local disk, so any number of them can run behind a balancer.
The bytes go to the database, or to an S3-compatible bucket when STORAGE_S3_BUCKET is set
(services/object_store.py); the row is always in the database, so scope and history work the
same either way. The interface is `save_file` / `load` / `read` / `delete`.
"""

from __future__ import annotations

import hashlib
import uuid

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_app.extensions import db, listen_once
from admin_app.models.stored_file import StoredFile
from admin_app.services import object_store
from admin_app.services.errors import ServiceError

IMAGE_LIMIT_BYTES = 5 * 1024 * 1024

# Sniffed from the bytes, never trusted from the client's Content-Type or file name.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"RIFF", "image/webp"),
)


def sniff_image_type(data: bytes) -> str | None:
    for magic, content_type in _SIGNATURES:
        if data.startswith(magic):
            if content_type == "image/webp" and data[8:12] != b"WEBP":
                continue
            return content_type
    return None


def save_image(
    data: bytes,
    *,
    filename: str = "",
    estate_id: int | None = None,
    created_by_id: int | None = None,
) -> StoredFile:
    if not data:
        raise ServiceError(_l("The file is empty."))
    if len(data) > IMAGE_LIMIT_BYTES:
        raise ServiceError(
            _l("The image is larger than %(limit)s MB."), limit=IMAGE_LIMIT_BYTES // 2**20
        )
    content_type = sniff_image_type(data)
    if content_type is None:
        raise ServiceError(_l("Only PNG, JPEG or WebP images are accepted."))
    return save_file(
        data,
        content_type=content_type,
        filename=filename,
        estate_id=estate_id,
        created_by_id=created_by_id,
    )


def save_file(
    data: bytes,
    *,
    content_type: str,
    filename: str = "",
    estate_id: int | None = None,
    created_by_id: int | None = None,
) -> StoredFile:
    """Store bytes the caller has already checked (an image, an uploaded spreadsheet)."""
    stored = StoredFile(
        filename=safe_filename(filename),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        estate_id=estate_id,
        created_by_id=created_by_id,
    )
    if object_store.configured():
        prefix = current_app.config.get("STORAGE_S3_PREFIX") or ""
        # A random name: the key says nothing about the resident, and is never guessed.
        stored.object_key = f"{prefix}{estate_id or 'shared'}/{uuid.uuid4().hex}"
        try:
            object_store.put(stored.object_key, data, content_type)
        except Exception as exc:  # botocore's many errors: the bucket is down or refuses
            current_app.logger.exception("could not store object %s", stored.object_key)
            raise ServiceError(
                _l("The file store cannot be reached. Nothing was saved: try again in a moment.")
            ) from exc
        # Removed again if the transaction that stores its row is rolled back.
        db.session.info.setdefault(_UPLOADED, []).append(stored.object_key)
    else:
        stored.data = data
    db.session.add(stored)
    db.session.flush()
    return stored


def load(file_id: int) -> StoredFile | None:
    return db.session.get(StoredFile, file_id)


def read(stored: StoredFile) -> bytes:
    """The file's bytes, wherever they are kept."""
    if stored.object_key:
        return object_store.get(stored.object_key)
    return stored.data or b""


def delete(stored: StoredFile) -> None:
    """Delete the file; its object in the bucket goes once the deletion is committed."""
    if stored.object_key:
        db.session.info.setdefault(_DOOMED, []).append(stored.object_key)
    db.session.delete(stored)


def forget_objects(file_ids) -> None:
    """For a bulk delete of stored_file rows (the retention purge): their objects in the
    bucket go once that delete is committed."""
    keys = db.session.execute(
        select(StoredFile.object_key).where(
            StoredFile.id.in_(list(file_ids)), StoredFile.object_key.is_not(None)
        )
    ).scalars()
    db.session.info.setdefault(_DOOMED, []).extend(keys)


_UPLOADED, _DOOMED = "storage_uploaded", "storage_doomed"


def _after_commit(session: Session) -> None:
    session.info.pop(_UPLOADED, None)
    for key in session.info.pop(_DOOMED, ()):
        _forget(key)


def _after_rollback(session: Session) -> None:
    session.info.pop(_DOOMED, None)
    for key in session.info.pop(_UPLOADED, ()):
        _forget(key)


def _forget(key: str) -> None:
    # A bucket that fails to delete leaves an unreferenced object, never a missing file.
    try:
        object_store.delete(key)
    except Exception:  # logged: the database change already stands
        current_app.logger.exception("could not delete stored object %s", key)


def install() -> None:
    listen_once(Session, "after_commit", _after_commit)
    listen_once(Session, "after_rollback", _after_rollback)


def safe_filename(filename: str) -> str:
    # Only a display name: path parts and control characters are dropped.
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:200]
