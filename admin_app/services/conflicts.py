"""Two writers at the same moment: how the database says so, and starting over."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from admin_app.extensions import db


def is_write_conflict(exc: OperationalError) -> bool:
    """Two saves at the same moment, refused by the database to keep them apart: SQLite's
    lock (a reading transaction cannot start writing once another has written), PostgreSQL's
    serialization failure or deadlock. Saving again is the answer."""
    if getattr(exc.orig, "sqlstate", None) in ("40001", "40P01"):
        return True
    return "database is locked" in str(exc.orig)


def retrying_conflicts(step, attempts: int = 3):
    """Run step(); when another writer went first, roll back and run it again on the data as
    it now is (background steps: no person is there to press Save again)."""
    for _ in range(attempts - 1):
        try:
            return step()
        except OperationalError as exc:
            if not is_write_conflict(exc):
                raise
            db.session.rollback()
    return step()  # the last attempt: whatever it raises, the caller sees
