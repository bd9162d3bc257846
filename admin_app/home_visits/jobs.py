"""The home-visit sweep: bookings 30 minutes past their time with nothing recorded are
abandoned (run by the scheduler every few minutes, or `flask home-visits abandon`)."""

from __future__ import annotations

from admin_app.home_visits import operations as home_visits
from admin_app.jobs.queue import job


@job
def abandon_overdue_bookings() -> int:
    return home_visits.abandon_overdue()
