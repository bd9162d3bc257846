"""Storage of uploaded and drawn files (signatures, photos) in the database.

Web processes keep nothing on local disk, so any number of them can run behind a balancer.
The interface is `save` / `load`; a deployment that prefers object storage replaces this module.
"""

from __future__ import annotations

import hashlib

from flask_babel import lazy_gettext as _l

from admin_app.extensions import db
from admin_app.models.stored_file import StoredFile
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
        data=data,
        estate_id=estate_id,
        created_by_id=created_by_id,
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def load(file_id: int) -> StoredFile | None:
    return db.session.get(StoredFile, file_id)


def safe_filename(filename: str) -> str:
    # Only a display name: path parts and control characters are dropped.
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:200]
