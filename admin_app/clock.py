"""The office clock. Datetimes are stored naive, in the office's time zone (one zone per install).

Every "now" in the code comes from here, so tests can travel in time with time-machine and a
deployment can move the office to another zone with OFFICE_TIMEZONE.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def office_zone() -> ZoneInfo:
    if has_app_context():
        return _zone(current_app.config.get("OFFICE_TIMEZONE", "Asia/Shanghai"))
    return _zone(os.environ.get("OFFICE_TIMEZONE", "Asia/Shanghai"))


def now() -> datetime:
    """Office-local wall-clock time, without tzinfo, to the second."""
    return datetime.now(office_zone()).replace(tzinfo=None, microsecond=0)


def today() -> date:
    return now().date()


def to_utc(local: datetime) -> datetime:
    """An office-local naive datetime as an aware UTC datetime (for rq, which works in UTC)."""
    return local.replace(tzinfo=office_zone()).astimezone(ZoneInfo("UTC"))
