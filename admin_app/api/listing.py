"""Estate-scoped, paged lists for the API: the token's estates (or one of them), newest
first, with the total."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext

from admin_app.api.access import Integration, estate_of, noted_estate
from admin_app.api.errors import ApiError
from admin_app.api.inputs import Reader, paging
from admin_app.extensions import db
from admin_app.validation import MAX_RECORD_ID


def estates_asked(integration: Integration, reader: Reader) -> set[int]:
    """?estate_id= narrows to one of the token's estates; without it, all of them."""
    if reader.source.get("estate_id") in (None, ""):
        noted_estate(
            next(iter(integration.estate_ids)) if len(integration.estate_ids) == 1 else None
        )
        return integration.estate_ids
    return {estate_of(integration, reader.source.get("estate_id"))}


def one(model, integration: Integration, record_id: int):
    """The record, if it is of the token's estates: another estate's does not exist (404)."""
    record = db.session.get(model, record_id) if record_id <= MAX_RECORD_ID else None
    if record is None or record.estate_id not in integration.estate_ids:
        raise ApiError(404, _not_found())
    noted_estate(record.estate_id)
    return record


def _not_found() -> str:
    from admin_app.api.errors import message_for

    return message_for(404)


def page_of(query, order, reader: Reader, show) -> object:
    page, per_page = paging(reader)
    reader.done()
    total = query.order_by(None).count()
    rows = query.order_by(*order).limit(per_page).offset((page - 1) * per_page).all()
    return jsonify(
        {"items": [show(r) for r in rows], "page": page, "per_page": per_page, "total": total}
    )


def of_estate(model, reader: Reader, name: str, estate_id: int):
    """A unit or resident a body names by id: it must be of the record's estate (else the
    field is at fault, as if no such record existed)."""
    record_id = reader.integer(name)
    if record_id is None:
        return None
    record = db.session.get(model, record_id)
    if record is None or record.estate_id != estate_id:
        reader.faults[name] = gettext("No such record in this estate.")
        return None
    return record
