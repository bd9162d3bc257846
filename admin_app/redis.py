"""The one Redis connection helper: the job queue, the statistics' kept figures and the health
check all ask here (one client per URL and process; tests swap `connection` for a fake)."""

from __future__ import annotations

from flask import current_app
from redis import Redis


def configured() -> bool:
    """REDIS_URL is set: the real deployment. Without it the panel runs embedded."""
    return bool(current_app.config.get("REDIS_URL"))


def connection() -> Redis:
    cache = current_app.extensions.setdefault("wuye_redis", {})
    url = current_app.config["REDIS_URL"]
    if url not in cache:
        cache[url] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    return cache[url]
