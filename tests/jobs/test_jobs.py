"""Background jobs run the same way on RQ (real Redis, or fakeredis) and in-process."""

from __future__ import annotations

import os
import time

import fakeredis
import pytest
from rq import SimpleWorker

from admin_app import redis as app_redis
from admin_app.extensions import db
from admin_app.jobs import queue as jobs
from admin_app.models import Estate


@jobs.job
def rename_estate(estate_id: int, name: str) -> None:
    db.session.get(Estate, estate_id).name = name


@jobs.job
def failing_rename(estate_id: int) -> None:
    db.session.get(Estate, estate_id).name = "half-done"
    raise RuntimeError("boom")


def run_worker(app, queue_name, connection) -> None:
    """What `flask --app wsgi worker --burst` does: an RQ worker inside the app context."""
    with app.app_context():
        SimpleWorker([queue_name], connection=connection).work(burst=True)


def estate_name(in_app, estate_id) -> str:
    with in_app():
        return db.session.get(Estate, estate_id).name


@pytest.fixture
def redis_queue(app, monkeypatch):
    """The real Redis when REDIS_URL is set (CI's second run), fakeredis otherwise."""
    if os.environ.get("REDIS_URL"):
        monkeypatch.setitem(app.config, "REDIS_URL", os.environ["REDIS_URL"])
        with app.app_context():
            connection = app_redis.connection()
    else:
        monkeypatch.setitem(app.config, "REDIS_URL", "redis://fake")
        connection = fakeredis.FakeRedis()
        monkeypatch.setattr(app_redis, "connection", lambda: connection)
    name = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    with app.app_context():
        q = jobs.queue(name)
        q.empty()
    yield name, connection
    with app.app_context():
        jobs.queue(name).empty()


def test_rq_job_commits_its_work(app, factories, in_app, redis_queue):
    name, connection = redis_queue
    estate = factories.estate(name="旧名")
    with app.app_context():
        job_id = jobs.submit(rename_estate, estate.id, "新名", queue_name=name)
    assert job_id
    assert estate_name(in_app, estate.id) == "旧名"  # nothing happens until a worker runs it
    run_worker(app, name, connection)
    assert estate_name(in_app, estate.id) == "新名"


def test_failed_job_changes_nothing(app, factories, in_app, redis_queue):
    name, connection = redis_queue
    estate = factories.estate(name="原名")
    with app.app_context():
        jobs.submit(failing_rename, estate.id, queue_name=name)
    run_worker(app, name, connection)
    assert estate_name(in_app, estate.id) == "原名"


def test_without_redis_the_job_runs_in_a_thread(app, factories, in_app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    estate = factories.estate(name="旧名")
    with app.app_context():
        assert jobs.submit(rename_estate, estate.id, "线程") is None
    deadline = time.monotonic() + 10
    while estate_name(in_app, estate.id) != "线程" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert estate_name(in_app, estate.id) == "线程"


def test_worker_command_needs_redis(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output
