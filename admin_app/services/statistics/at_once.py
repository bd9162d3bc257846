"""Independent read-only passes run at the same time, each on its own connection.

A director's statistics page reads three large groupings (complaints, revisits, closed
orders), each tens of milliseconds of PostgreSQL time; one after another they alone cost more
than the page's whole budget. PostgreSQL runs them side by side (one backend each) while this
process waits on all of them at once: the drivers let go of the interpreter while they wait.
SQLite, the embedded default, is one file in this process: its passes simply run in turn.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from flask import current_app

from admin_app.extensions import db


def all_at_once(calls: dict[str, Callable[[], object]]) -> dict[str, object]:
    """{name: call()} for every call; on PostgreSQL the calls run in threads, each with its own
    application context (so its own session and connection), and must only read."""
    if db.engine.dialect.name != "postgresql" or len(calls) < 2:
        return {name: call() for name, call in calls.items()}
    app = current_app._get_current_object()

    def in_own_context(call):
        with app.app_context():
            return call()

    with ThreadPoolExecutor(max_workers=len(calls), thread_name_prefix="statistics") as pool:
        futures = {name: pool.submit(in_own_context, call) for name, call in calls.items()}
        # result() re-raises a pass's error here, in the request, as if it had run inline.
        return {name: future.result() for name, future in futures.items()}
