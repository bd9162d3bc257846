"""A database connection that the server dropped (a restart, a failover, a terminated backend):
how to tell, and doing an idempotent step once more on a fresh connection."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from admin_app.extensions import db


def is_disconnect(exc: BaseException) -> bool:
    """SQLAlchemy marks the error when the driver says the connection is gone; the pool then
    throws that connection away (and pool_pre_ping checks the others before handing them out)."""
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def retrying_disconnect(step):
    """Run step(); if the connection was dropped under it, roll back and run it once more.
    Only for steps that are safe to run twice (reads, conditional updates, whole transactions
    that were rolled back)."""
    try:
        return step()
    except DBAPIError as exc:
        if not is_disconnect(exc):
            raise
        db.session.rollback()
    return step()
