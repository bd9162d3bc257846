"""The Redis connection and queues, created lazily from REDIS_URL."""

from __future__ import annotations

from flask import current_app
from redis import Redis


def redis_connection() -> Redis:
    cache = current_app.extensions.setdefault("wuye_redis", {})
    url = current_app.config["REDIS_URL"]
    if url not in cache:
        cache[url] = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    return cache[url]
