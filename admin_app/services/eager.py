"""Collections a page lists, read into a record already loaded, with what their rows name."""

from __future__ import annotations

from sqlalchemy.orm import lazyload

from admin_app.extensions import db


def load_into(record, *loads) -> None:
    """Fill the record's collections that `loads` names (selectinload options), each in one
    query, and nothing else: the record is in the session already, so a query for it
    populates only its unloaded attributes and leaves the loaded ones as they are."""
    model = type(record)
    db.session.query(model).filter(model.id == record.id).options(lazyload("*"), *loads).one()
