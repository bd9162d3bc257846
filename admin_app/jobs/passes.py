"""Nightly pass housekeeping: approved passes past their last day become "expired".

The gate checks the dates itself, so this only keeps lists and filters truthful; the scheduler
(or `flask --app wsgi passes expire`) runs it once a day.
"""

from __future__ import annotations

from ..services import passes
from .queue import job


@job
def expire_lapsed_passes() -> int:
    return passes.expire_lapsed()
