"""Nightly pass housekeeping: approved passes past their last day become "expired".

The gate checks the dates itself, so this only keeps lists and filters truthful; the scheduler
(or `flask --app wsgi passes expire`) runs it once a day.
"""

from __future__ import annotations

from admin_app.jobs.queue import job
from admin_app.passes import operations as passes


@job
def expire_lapsed_passes() -> int:
    return passes.expire_lapsed()
