"""The statistics' grouped passes, kept for a few minutes.

A director's page reads every complaint and revisit of a year across all estates (about
200,000 index entries): a few hundred milliseconds each time, for figures that are judged
monthly. The passes' rows are kept for STATISTICS_CACHE_SECONDS (0: never kept) in Redis when
the panel has one, so every web process shares them, else in this process; the page says how
old they are and offers to count again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from datetime import datetime

from flask import current_app
from redis.exceptions import RedisError

from admin_app import clock
from admin_app import redis as app_redis

PREFIX = "wuye:statistics:"


def remembered(parts: tuple, compute, fresh: bool = False) -> tuple[object, datetime]:
    """compute()'s JSON-ready value and when it was computed, from the cache when it is young."""
    seconds = current_app.config.get("STATISTICS_CACHE_SECONDS", 0)
    if seconds <= 0:
        return compute(), clock.now()
    key = PREFIX + _digest(parts)
    if not fresh and (found := _load(key)) is not None:
        return found[1], datetime.fromisoformat(found[0])
    value, now = compute(), clock.now()
    _store(key, json.dumps([now.isoformat(), value]), seconds)
    return value, now


def _digest(parts: tuple) -> str:
    # The database is part of the key: two panels may share one Redis.
    text = json.dumps([current_app.config["SQLALCHEMY_DATABASE_URI"], *parts], default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _load(key: str):
    if app_redis.configured():
        try:
            raw = app_redis.connection().get(key)
        except RedisError:
            return None  # figures straight from the database, never an error page
        return json.loads(raw) if raw else None
    entry = _local().get(key)
    if entry and entry[0] > time.monotonic():
        return json.loads(entry[1])
    return None


def _store(key: str, text: str, seconds: int) -> None:
    if app_redis.configured():
        with contextlib.suppress(RedisError):  # kept or not, the page has its figures
            app_redis.connection().set(key, text, ex=seconds)
        return
    local = _local()
    if len(local) > 1000:  # estates × periods people look at: small; never grows unbounded
        local.clear()
    local[key] = (time.monotonic() + seconds, text)


def _local() -> dict:
    return current_app.extensions.setdefault("wuye_statistics_cache", {})
