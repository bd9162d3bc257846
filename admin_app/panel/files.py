"""Stored files (signatures, photos) served to the people who may see their record."""

from __future__ import annotations

from flask import Response, abort, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from admin_app.services import storage


def stored_file_response(file_id: int | None) -> Response:
    """The file's bytes (the caller has checked the record's scope); never cached, like every
    private response (admin_app.keep_out_of_caches)."""
    stored = storage.load(file_id) if file_id else None
    if stored is None:
        abort(404)
    return Response(storage.read(stored), mimetype=stored.content_type)


def photo_image(view, context, model, name):
    """A column formatter: the record's photo as a thumbnail served by the view's photo_view."""
    if not model.photo_file_id:
        return ""
    src = url_for(f"{view.endpoint}.photo_view", id=model.id)
    return Markup('<img src="{}" alt="{}" class="pass-photo-thumb">').format(src, _l("Photo"))
