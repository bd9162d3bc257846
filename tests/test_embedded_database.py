"""The embedded default under load: a real threaded server on a SQLite file, the in-process
reminder sweep writing all the while, and front desks logging in, saving and importing —
200 times, and not one 500 ("database is locked")."""

from __future__ import annotations

import io
import logging
import os
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, insert, select
from werkzeug.serving import make_server

from admin_app import clock, sqlite
from admin_app.extensions import db
from admin_app.jobs import reminders as reminder_jobs
from admin_app.models import ImportStatus, Notification, Reminder, Resident, ResidentImport, Role
from admin_app.services.reminders.manual import MANUAL

from .conftest import PASSWORD
from .factories import Factories
from .import_files import csv_bytes, row

ROUNDS = 200
DESKS = 4
FED_PER_CYCLE = 25  # due reminders added before each sweep cycle: the sweep never idles


@pytest.fixture
def embedded(tmp_path):
    """A second app on its own SQLite file (whatever database the suite runs on), served by
    werkzeug's threaded server in a thread of this process."""
    from flask_migrate import upgrade

    from admin_app import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "embedded-test-key",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wuye.db'}",
            "REDIS_URL": None,
            "REMINDERS_IN_PROCESS": False,  # the test runs the sweep's cycle in its own thread
            "STATISTICS_CACHE_SECONDS": 0,
        }
    )
    app.instance_path = str(tmp_path)
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    serving.join(timeout=10)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def feed_and_sweep(app, ticket, staff_id: int, stop: threading.Event, cycles: list):
    """What the in-process sweep thread does (jobs/reminders.run_in_process_cycle), over and
    over, each cycle with fresh due reminders to claim and deliver into an inbox."""
    while not stop.is_set():
        with app.app_context(), sqlite.writer():
            now = clock.now()
            db.session.execute(
                insert(Reminder),
                [
                    dict(
                        estate_id=ticket.estate_id,
                        rule=MANUAL,
                        entity_type="ticket",
                        entity_id=ticket.id,
                        recipient_id=staff_id,
                        deadline_at=now,
                        due_at=now,
                        dedupe_key=f"{MANUAL}:ticket:{ticket.id}:{staff_id}:{uuid.uuid4().hex}",
                    )
                    for _ in range(FED_PER_CYCLE)
                ],
            )
            db.session.commit()
            db.session.remove()
        cycles.append(reminder_jobs.run_in_process_cycle(app))


def token(page: requests.Response) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert match, page.text[:300]
    return match.group(1)


def desk_round(base: str, username: str, n: int, estate_id: int, unit_id: int) -> list:
    """One front-desk round: log in, save a resident, import one from a file and confirm."""
    http = requests.Session()
    statuses = []

    def post(path, data, **kwargs):
        response = http.post(base + path, data=data, allow_redirects=False, timeout=60, **kwargs)
        statuses.append((path, response.status_code))
        return response

    login_page = http.get(base + "/login", timeout=60)
    post("/login", {"csrf_token": token(login_page), "username": username, "password": PASSWORD})
    upload_page = http.get(base + "/admin/resident_import/", timeout=60)
    statuses.append(("/admin/resident_import/ (page)", upload_page.status_code))
    csrf = token(upload_page)
    post(
        "/admin/resident/new/",
        {
            "csrf_token": csrf,
            "estate": estate_id,
            "unit": unit_id,
            "name": f"来电{n}",
            "phone": f"139{n:08d}",
            "role": "owner",
        },
    )
    data = csv_bytes([row(room="102", name=f"导入{n}", phone=f"137{n:08d}")])
    uploaded = post(
        "/admin/resident_import/",
        {"csrf_token": csrf, "estate": estate_id},
        files={"file": ("residents.csv", io.BytesIO(data), "text/csv")},
    )
    if uploaded.status_code == 302:
        batch_path = uploaded.headers["Location"].replace(base, "")
        post(f"{batch_path}confirm/", {"csrf_token": csrf})
    return statuses


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="the embedded default: the SQLite run tests it"
)
def test_log_in_save_and_import_200_times_while_the_sweep_writes(embedded, caplog):
    app, base = embedded
    factories = Factories(app, password=PASSWORD)
    estate = factories.estate(code="EM", name="嵌入小区")
    unit = factories.unit(estate, building="1", entrance="1", room="101")
    factories.unit(estate, building="1", entrance="1", room="102")
    desks = [factories.staff(Role.receptionist, estates=[estate]) for _ in range(DESKS)]
    ticket = factories.ticket(estate)
    stop, cycles = threading.Event(), []
    caplog.set_level(logging.WARNING)
    sweeper = threading.Thread(
        target=feed_and_sweep, args=(app, ticket, desks[0].id, stop, cycles), daemon=True
    )
    sweeper.start()
    try:
        with ThreadPoolExecutor(max_workers=DESKS) as pool:
            rounds = list(
                pool.map(
                    lambda n: desk_round(base, desks[n % DESKS].username, n, estate.id, unit.id),
                    range(ROUNDS),
                )
            )
    finally:
        stop.set()
        sweeper.join(timeout=30)

    statuses = [status for statuses in rounds for status in statuses]
    assert [s for s in statuses if s[1] >= 500] == []
    # Every login, save, upload and confirmation went through (a redirect), every page showed.
    assert {code for path, code in statuses if "(page)" not in path} == {302}
    assert {code for path, code in statuses if "(page)" in path} == {200}
    with app.app_context():
        saved = db.session.scalar(
            select(func.count()).select_from(Resident).where(Resident.name.like("来电%"))
        )
        imported = db.session.scalar(
            select(func.count()).select_from(Resident).where(Resident.name.like("导入%"))
        )
        import_states = set(db.session.scalars(select(ResidentImport.status)))
        delivered = db.session.scalar(select(func.count()).select_from(Notification))
    assert (saved, imported) == (ROUNDS, ROUNDS)
    assert import_states == {ImportStatus.done}
    # The sweep really was writing throughout: many cycles, thousands of inbox entries.
    assert len(cycles) >= 5 and delivered >= 5 * FED_PER_CYCLE
    problems = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert problems == [] and not [r for r in caplog.records if "locked" in r.getMessage()]
