"""Faults, injected for real: a private Redis server stopped and started again while the office
works; an `rq worker` process SIGKILLed in the middle of a delivery; the PostgreSQL connection
of a request terminated by the server; two receptionists saving the same resident at once."""

from __future__ import annotations

import io
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from redis import Redis
from redis.exceptions import RedisError
from rq import SimpleWorker
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url

from admin_app import clock
from admin_app.extensions import db
from admin_app.jobs import reminders as reminder_jobs
from admin_app.models import (
    DeliveryChannel,
    DeliveryStatus,
    ImportStatus,
    Notification,
    Reminder,
    ReminderDelivery,
    ReminderStatus,
    Resident,
    ResidentImport,
    Role,
    Staff,
    Ticket,
    TicketCategory,
)

from .conftest import page_messages
from .import_files import csv_bytes, row
from .reminders_support import inbox, office_time, staff_office

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
NOW = office_time(2026, 11, 23, 9, 0)
DUE = datetime(2026, 11, 23, 15, 0)
AT_WARNING = office_time(2026, 11, 23, 14, 50)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own on a free port, without persistence: stopping it
    loses everything in it, as a crashed Redis without AOF does."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        probe = Redis.from_url(self.url, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                if probe.ping():
                    return
            except RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis(app, tmp_path, monkeypatch):
    if not os.path.exists(REDIS_SERVER):
        pytest.fail("redis-server is needed for the fault tests (Debian package redis-server)")
    server = PrivateRedis(tmp_path)
    server.start()
    monkeypatch.setitem(app.config, "REDIS_URL", server.url)
    monkeypatch.setitem(app.extensions, "wuye_redis", {})  # no connection cached elsewhere
    monkeypatch.setattr(reminder_jobs, "QUEUE", "reminders")
    yield server
    server.stop()


def connection(server: PrivateRedis) -> Redis:
    return Redis.from_url(server.url, socket_connect_timeout=1)


def run_worker(app, server) -> None:
    with app.app_context():
        SimpleWorker(["reminders", "default"], connection=connection(server)).work(
            burst=True, with_scheduler=True
        )


def sweep_on_rq(app) -> int:
    with app.app_context():
        return reminder_jobs.sweep_reminders()


def ticket_form(office, due: str, phone: str) -> dict:
    return {
        "estate": office.world.a.id,
        "category": "inquiry",
        "channel": "phone",
        "reporter_name": "李女士",
        "reporter_phone": phone,
        "description": "询问停车月卡办理流程",
        "assignee": office.receptionist.id,
        "callback_due_at": due,
    }


# ---- (a) Redis stopped and started again -------------------------------------------------------
def test_redis_stopped_during_work_then_restarted(
    app, factories, login, in_app, time_machine, private_redis, monkeypatch
):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    c = login(office.receptionist)
    first = c.post("/admin/ticket/new/", ticket_form(office, "2026-11-23 15:00:00", "13900001111"))
    assert first.status_code == 302
    time_machine.move_to(AT_WARNING, tick=False)
    assert sweep_on_rq(app) == 1  # the first warning is on the queue …
    private_redis.stop()  # … and Redis dies with it (no persistence)

    # The office keeps working: pages, forms, a big import (its check needs a job).
    monkeypatch.setitem(app.config, "IMPORT_INLINE_MAX_BYTES", 100)
    assert c.get("/admin/ticket/").status_code == 200
    second = c.post("/admin/ticket/new/", ticket_form(office, "2026-11-23 15:30:00", "13900002222"))
    assert second.status_code == 302
    rows = [row(room="101", name=f"住户{i}", phone=f"1390000{i:04d}") for i in range(10)]
    upload = c.post(
        "/admin/resident_import/",
        {"estate": office.world.a.id, "file": (io.BytesIO(csv_bytes(rows)), "big.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    batch_page = c.get(upload.headers["Location"])
    assert batch_page.status_code == 200
    health = c.get("/healthz")
    assert health.status_code == 200 and health.get_json()["redis"] != "ok"
    time_machine.move_to(office_time(2026, 11, 23, 15, 25), tick=False)
    with pytest.raises(RedisError):
        sweep_on_rq(app)  # what the rq cron would run cannot enqueue: nothing is lost …
    with in_app():
        assert db.session.query(Ticket).count() == 2
        batch = db.session.query(ResidentImport).one()
        for _ in range(400):  # the import's check ran anyway (in this process)
            # A new transaction each look: SQLite (WAL) shows a transaction the database as it
            # was when it began, so one long read would never see the thread's commit.
            db.session.rollback()
            if not db.session.get(ResidentImport, batch.id).status.running:
                break
            time.sleep(0.05)
        batch = db.session.get(ResidentImport, batch.id)
        assert batch.status is ImportStatus.ready
        pending = db.session.scalars(
            select(Reminder.status).where(Reminder.level == 0).order_by(Reminder.id)
        ).all()
    assert pending == [ReminderStatus.queued, ReminderStatus.pending]
    assert inbox(in_app, office.receptionist) == []

    private_redis.start()  # back, empty
    monkeypatch.setitem(app.extensions, "wuye_redis", {})
    # Lost with Redis: the first warning's job. The next sweep hands it out again.
    time_machine.move_to(office_time(2026, 11, 23, 15, 30), tick=False)
    sweep_on_rq(app)
    run_worker(app, private_redis)
    sweep_on_rq(app)  # a second cycle and a second worker change nothing
    run_worker(app, private_redis)
    received = inbox(in_app, office.receptionist)
    with in_app():
        tickets = db.session.scalars(select(Ticket.id).order_by(Ticket.id)).all()
    assert sorted(received) == sorted(("callback", 0, "ticket", t) for t in tickets)
    with in_app():  # and each exactly once
        assert (
            db.session.query(Notification).filter_by(staff_id=office.receptionist.id).count() == 2
        )


# ---- (b) a worker process SIGKILLed mid-job ------------------------------------------------------
class SilentSMTP:
    """Accepts connections and never says a word: a send hangs there until it is killed."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self):
        for conn in self.accepted:
            conn.close()
        self.sock.close()


def worker_process(app, server: PrivateRedis, smtp_port: int) -> subprocess.Popen:
    """`flask --app wsgi worker` in its own process group, on the test's database."""
    env = {
        **os.environ,
        "DATABASE_URL": str(app.config["SQLALCHEMY_DATABASE_URI"]),
        "REDIS_URL": server.url,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "REMINDERS_IN_PROCESS": "0",
    }
    return subprocess.Popen(  # noqa: S603 - our own fixed command
        [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def descendants(pid: int) -> list[int]:
    """The processes started by `pid`, children first (from /proc: Linux)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(entry.name))
    return [d for child in children for d in descendants(child)] + children


def wait_for(predicate, what: str, tries: int = 600) -> None:
    for _ in range(tries):
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(
    app, factories, in_app, time_machine, private_redis, monkeypatch
):
    # The worker process runs on the real clock: so does this test (the office never closes).
    monkeypatch.setitem(app.config, "OFFICE_HOURS_START", 0)
    monkeypatch.setitem(app.config, "OFFICE_HOURS_END", 24)
    smtp = SilentSMTP()
    office = staff_office(factories)
    with in_app():
        db.session.get(Staff, office.receptionist.id).email = "reception@example.com"
        db.session.commit()
    ticket = factories.ticket(
        office.world.a,
        category=TicketCategory.inquiry,
        callback_due_at=clock.now() + timedelta(minutes=5),  # the warning is due now
        assignee_id=office.receptionist.id,
    )
    assert sweep_on_rq(app) == 1
    worker = worker_process(app, private_redis, smtp.port)

    def email_status():
        with in_app():
            return db.session.scalars(
                select(ReminderDelivery.status).where(
                    ReminderDelivery.channel == DeliveryChannel.email
                )
            ).first()

    try:
        # The job put the warning in the inbox, claimed the e-mail, and is talking to SMTP …
        wait_for(lambda: smtp.accepted and email_status() is DeliveryStatus.sending, "the send")
    finally:
        # … when the worker and its work horse (rq forks it into a session of its own) die.
        for pid in [*descendants(worker.pid), worker.pid]:
            os.kill(pid, signal.SIGKILL)
        worker.wait(timeout=10)
        smtp.close()  # nobody is left to notice
    assert inbox(in_app, office.receptionist) == [("callback", 0, "ticket", ticket.id)]

    # Later sweeps and a healthy worker: the inbox entry stays single, the e-mail is not resent
    # (it may have left) but marked "outcome unknown" for the supervisors to see.
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    killed_at = datetime.now(UTC)
    time_machine.move_to(killed_at + timedelta(minutes=11), tick=False)
    sweep_on_rq(app)
    run_worker(app, private_redis)
    time_machine.move_to(killed_at + timedelta(minutes=30), tick=False)
    sweep_on_rq(app)
    run_worker(app, private_redis)
    assert inbox(in_app, office.receptionist) == [("callback", 0, "ticket", ticket.id)]
    assert email_status() is DeliveryStatus.unknown
    with in_app():
        emails = db.session.query(ReminderDelivery).filter_by(channel=DeliveryChannel.email)
        assert emails.count() == 1  # never a second e-mail for the same warning
        warning = db.session.scalars(select(Reminder).where(Reminder.level == 0)).one()
        assert warning.status is ReminderStatus.sent


# ---- (c) PostgreSQL drops the request's connection -------------------------------------------------
needs_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"), reason="terminates a PostgreSQL backend"
)


def terminate(app, pids) -> None:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=None)
    with admin.connect() as conn:
        for pid in pids:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


@needs_postgres
@pytest.mark.parametrize("when", ["reading", "saving"])
def test_a_connection_dropped_mid_request_is_read_again_or_refused_clearly(
    app, factories, login, in_app, monkeypatch, when
):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    world = factories.two_estates()
    reception = factories.staff(Role.receptionist, estates=[world.a])
    c = login(reception)
    assert c.get("/admin/resident/").status_code == 200
    with in_app():
        engine = db.engine
    armed = {"on": True}
    needle = "FROM resident" if when == "reading" else "INSERT INTO resident"

    def kill_own_connection(conn, cursor, statement, parameters, context, executemany):
        if armed["on"] and needle in statement:
            armed["on"] = False
            terminate(app, [conn.connection.dbapi_connection.info.backend_pid])

    event.listen(engine, "before_cursor_execute", kill_own_connection)
    form = {
        "estate": world.a.id,
        "unit": world.unit_a.id,
        "name": "断线",
        "phone": "13912340000",
        "role": "owner",
    }
    try:
        if when == "reading":
            response = c.get("/admin/resident/")
        else:
            response = c.post("/admin/resident/new/", form)
    finally:
        event.remove(engine, "before_cursor_execute", kill_own_connection)
    assert not armed["on"], "the connection was not dropped"
    body = response.get_data(as_text=True)
    for leak in ("Traceback", "psycopg", "OperationalError", "SELECT ", "INSERT "):
        assert leak not in body
    if when == "reading":  # read again on a fresh connection: the person sees the list
        assert response.status_code == 200 and "甲住户" in body
    else:  # never repeated behind the person's back: a clear page, nothing saved
        assert response.status_code in (200, 503)
        assert "could not be saved" in body or "cannot be reached" in body
        with in_app():
            assert db.session.query(Resident).filter_by(name="断线").count() == 0
    # Every idle connection of the pool is gone too: the next requests still work.
    with in_app():
        pids = db.session.execute(
            text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalars()
        terminate(app, list(pids))
    assert c.get("/admin/resident/").status_code == 200
    assert c.post("/admin/resident/new/", form).status_code == 302
    with in_app():
        assert db.session.query(Resident).filter_by(name="断线").count() == 1


@needs_postgres
def test_a_page_whose_connection_drops_twice_says_so_in_the_users_language(
    app, factories, login, in_app, monkeypatch
):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    world = factories.two_estates()
    c = login(factories.staff(Role.receptionist, estates=[world.a]), lang="zh-CN")
    with in_app():
        engine = db.engine
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        unreachable = gettext(
            "The database cannot be reached just now. Please try again in a moment; "
            "if you were saving, check whether it was saved."
        )
    drops = {"left": 2}  # the first read and its one retry

    def kill_own_connection(conn, cursor, statement, parameters, context, executemany):
        if drops["left"] and "FROM resident" in statement:
            drops["left"] -= 1
            terminate(app, [conn.connection.dbapi_connection.info.backend_pid])

    event.listen(engine, "before_cursor_execute", kill_own_connection)
    try:
        response = c.get("/admin/resident/")
    finally:
        event.remove(engine, "before_cursor_execute", kill_own_connection)
    assert drops["left"] == 0
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert unreachable in body and 'lang="zh-CN"' in body
    for leak in ("Traceback", "psycopg", "OperationalError", "SELECT "):
        assert leak not in body
    assert c.get("/admin/resident/").status_code == 200  # and the next request works


# ---- (d) the same resident saved twice at the same moment ------------------------------------------
def test_two_receptionists_create_the_same_resident_at_once(
    app, factories, login, in_app, monkeypatch, caplog
):
    from admin_app.residents.views import ResidentView

    world = factories.two_estates()
    desks = [login(factories.staff(Role.receptionist, estates=[world.a])) for _ in range(2)]
    with in_app():
        postgres = db.engine.dialect.name == "postgresql"
    # On SQLite a save holds the one write lock from its start (admin_app/sqlite.py): the two
    # cannot both pass the checks before either writes; they take turns.
    both_checked = threading.Barrier(2 if postgres else 1, timeout=20)
    checked = ResidentView.on_model_change

    def check_then_wait(self, form, model, is_created):
        checked(self, form, model, is_created)
        both_checked.wait()  # both pass every check before either writes

    monkeypatch.setattr(ResidentView, "on_model_change", check_then_wait)
    form = {
        "estate": world.a.id,
        "unit": world.unit_a.id,
        "name": "同时",
        "phone": "13912349999",
        "role": "owner",
    }
    responses = [None, None]

    def save(i):
        responses[i] = desks[i].post("/admin/resident/new/", form, follow_redirects=True)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(r is not None and r.status_code == 200 for r in responses)
    texts = [r.get_data(as_text=True) for r in responses]
    saved = [
        t for t in texts if "already registered in this unit" not in t and "save again" not in t
    ]
    assert len(saved) == 1, [page_messages(t) for t in texts]
    [other] = [t for t in texts if t is not saved[0]]
    # PostgreSQL: the unique index decides; SQLite: the second save starts after the first.
    assert "already registered in this unit" in other
    for body in texts:
        assert "IntegrityError" not in body and "UNIQUE" not in body and "duplicate key" not in body
        assert "locked" not in body
    with in_app():
        assert db.session.query(Resident).filter_by(phone="13912349999").count() == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
