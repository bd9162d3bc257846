"""The home-visit sweep: bookings 30 minutes past their time with nothing recorded are
abandoned. With Redis the rq scheduler runs it every two minutes (cron.py); without, the
in-process reminder sweep runs it on each of its cycles."""

from __future__ import annotations

from admin_app import sqlite
from admin_app.extensions import db
from admin_app.home_visits import operations as home_visits
from admin_app.jobs.queue import job


@job
def abandon_overdue_bookings() -> int:
    return home_visits.abandon_overdue()


def run_in_process(app) -> int:
    """One embedded-mode pass (no caller to tell: a failure is logged, the next cycle retries)."""
    with app.app_context(), sqlite.writer():
        try:
            count = home_visits.abandon_overdue()
            db.session.commit()
            return count
        except Exception:
            db.session.rollback()
            app.logger.exception("home-visit sweep failed")
            return 0
        finally:
            db.session.remove()
