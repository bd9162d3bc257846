"""The failed-jobs page: administrators see RQ's failed jobs and can retry or remove them;
nobody else gets in; a Redis that does not answer is a message on the page, not an error."""

from __future__ import annotations

import re

from rq import Queue, SimpleWorker
from rq.registry import FailedJobRegistry

from admin_app import redis as app_redis
from admin_app.models import Role


def broken_job() -> None:
    raise ValueError("the SMS gateway said no")


def failed_once(app, reminder_queue) -> str:
    name, connection = reminder_queue
    job = Queue(name, connection=connection).enqueue(broken_job)
    with app.app_context():
        SimpleWorker([name], connection=connection).work(burst=True)
    return job.id


def test_admin_sees_and_retries_a_failed_job(app, factories, login, reminder_queue):
    job_id = failed_once(app, reminder_queue)
    admin = login(factories.staff(Role.admin, all_estates=True))
    html = admin.get("/admin/failed_jobs/").get_data(as_text=True)
    assert job_id in html and "ValueError: the SMS gateway said no" in html
    name, connection = reminder_queue
    response = admin.post("/admin/failed_jobs/requeue", {"queue": name, "job_id": job_id})
    assert response.status_code == 302
    assert job_id not in FailedJobRegistry(name, connection=connection)
    assert job_id in Queue(name, connection=connection).job_ids


def test_admin_removes_a_failed_job(app, factories, login, reminder_queue):
    job_id = failed_once(app, reminder_queue)
    name, connection = reminder_queue
    admin = login(factories.staff(Role.admin, all_estates=True))
    admin.post("/admin/failed_jobs/delete", {"queue": name, "job_id": job_id})
    assert FailedJobRegistry(name, connection=connection).count == 0
    assert "No failed jobs." in admin.get("/admin/failed_jobs/").get_data(as_text=True)


def test_only_administrators(app, factories, login, reminder_queue):
    job_id = failed_once(app, reminder_queue)
    name, connection = reminder_queue
    world = factories.two_estates()
    for role in (Role.director, Role.supervisor, Role.receptionist, Role.technician):
        c = login(factories.staff(role, estates=[world.a]))
        assert c.get("/admin/failed_jobs/").status_code == 403
        assert (
            c.post("/admin/failed_jobs/delete", {"queue": name, "job_id": job_id}).status_code
            == 403
        )
    assert job_id in FailedJobRegistry(name, connection=connection)


def test_retry_needs_the_csrf_token(app, factories, login, reminder_queue):
    job_id = failed_once(app, reminder_queue)
    name, connection = reminder_queue
    admin = login(factories.staff(Role.admin, all_estates=True))
    response = admin.post(
        "/admin/failed_jobs/requeue", {"queue": name, "job_id": job_id}, csrf=False
    )
    assert response.status_code == 400
    assert job_id in FailedJobRegistry(name, connection=connection)


def test_an_unknown_queue_is_refused(app, factories, login, reminder_queue):
    admin = login(factories.staff(Role.admin, all_estates=True))
    response = admin.post("/admin/failed_jobs/delete", {"queue": "other", "job_id": "x"})
    assert response.status_code == 400


def test_redis_down_is_a_message(app, factories, login, monkeypatch):
    from redis import Redis

    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(app_redis, "connection", lambda: dead)
    admin = login(factories.staff(Role.admin, all_estates=True))
    page = admin.get("/admin/failed_jobs/")
    assert page.status_code == 200
    assert re.search(
        r'id="failed-jobs-problem">\s*Redis does not answer', page.get_data(as_text=True)
    )


def test_embedded_mode_says_there_is_no_queue(app, factories, login, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    admin = login(factories.staff(Role.admin, all_estates=True))
    assert "No Redis is configured" in admin.get("/admin/failed_jobs/").get_data(as_text=True)
