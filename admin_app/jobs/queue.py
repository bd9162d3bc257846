"""Background work: RQ when REDIS_URL is set, a thread of this process otherwise.

`submit(job_function, *ids)` is the one way to start background work. Job functions are
decorated with `@job`: they run inside the Flask app, take ids (never objects), commit at the
end and roll back on error — the same whether RQ or the embedded thread runs them.
"""

from __future__ import annotations

import functools
import threading

from flask import current_app, has_app_context
from redis.exceptions import RedisError
from rq import Queue

from admin_app import redis as app_redis
from admin_app.extensions import db

DEFAULT_QUEUE = "default"
_worker_app = None
_app_factory = None


def queue(name: str = DEFAULT_QUEUE) -> Queue:
    return Queue(name, connection=app_redis.connection())


def submit(func, *args, queue_name: str = DEFAULT_QUEUE, job_id: str | None = None, **kwargs):
    """Start `func(*args, **kwargs)` in the background; returns the RQ job id, or None when the
    work runs in a thread of this process (embedded mode, or Redis unreachable) or inline
    (JOBS_INLINE, tests)."""
    if current_app.config.get("JOBS_INLINE"):
        func(*args, **kwargs)
        return None
    if app_redis.configured():
        try:
            return queue(queue_name).enqueue(func, *args, job_id=job_id, **kwargs).id
        except RedisError as error:
            # Redis is down: the office keeps working — this process does the job, as in
            # embedded mode (job functions take ids and commit themselves, wherever they run).
            current_app.logger.warning(
                "Redis unreachable (%s): %s runs in this process",
                type(error).__name__,
                getattr(func, "__name__", func),
            )
    app = current_app._get_current_object()
    thread = threading.Thread(target=_run_in_thread, args=(app, func, args, kwargs), daemon=True)
    thread.start()
    return None


def _run_in_thread(app, func, args, kwargs) -> None:
    with app.app_context():
        try:
            func(*args, **kwargs)
        except Exception:  # the thread has no caller to tell; the log does
            app.logger.exception("background job %s failed", getattr(func, "__name__", func))


def job(fn):
    """Run `fn` in its own application context and session; commit at the end."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if has_app_context():
            _end_callers_transaction()
        app = current_app._get_current_object() if has_app_context() else _app_for_worker()
        with app.app_context():
            try:
                result = fn(*args, **kwargs)
                db.session.commit()
                return result
            except Exception:
                db.session.rollback()
                raise
            finally:
                db.session.remove()

    return wrapper


def _end_callers_transaction() -> None:
    """A job run inline (a small import within its request) has its own session and
    connection. On SQLite a caller's transaction still open (begun by a mere read after its
    commit) would hold the one write lock the job waits for: it is ended first. The caller
    has committed what the job is to read — jobs take ids of saved records."""
    if db.engine.dialect.name == "sqlite":
        db.session.commit()


def use_app_factory(factory) -> None:
    """The package registers create_app here when it is imported (before any job can run):
    this module builds an app without importing the package root, which imports it."""
    global _app_factory
    _app_factory = factory


def _app_for_worker():
    """A plain `rq worker` process (no Flask CLI around it) builds the app once."""
    global _worker_app
    if _worker_app is None:
        _worker_app = _app_factory()
    return _worker_app
