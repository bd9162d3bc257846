"""Many processes at once, as deployed: two web processes, two rq workers and two rq cron
schedulers against one PostgreSQL database and one Redis (a private redis-server), through a
morning at the office whose clock the test moves for every process (tests/office_process.py).
Receptionists save tickets with promised callbacks on both web processes, two supervisors
start dispatch batches on both at the same moment; every reminder due is delivered exactly
once (one inbox entry per person, one text per escalation) and every batch dispatches each
of its orders exactly once."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta

import pytest
import requests
from sqlalchemy import func, select

from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    BatchRun,
    BatchStatus,
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    Reminder,
    ReminderDelivery,
    ReminderStatus,
    Role,
    Ticket,
    Trade,
    WorkOrder,
    WorkOrderStatus,
)

from .conftest import PASSWORD
from .reminders_support import office_time
from .test_faults import ROOT, free_port, private_redis, ticket_form
from .test_faults_on_time import PROVIDER, SUPERVISOR_PHONE, callback, office_with_phones, texts

__all__ = ["private_redis", "texts"]  # fixtures, used by name

DAY_START = office_time(2026, 11, 23, 8, 30)
DAY_END = office_time(2026, 11, 23, 12, 30)
STEP = timedelta(minutes=2)  # the office clock moves this far for every process at once
needs_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"), reason="processes sharing one PostgreSQL database"
)
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Desk:
    """A person at a browser, logged in on one web process."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.http = requests.Session()
        self.http.headers["Accept-Language"] = "en"
        page = self.http.get(f"{base}/login", timeout=30)
        sent = self.http.post(
            f"{base}/login",
            data={"username": username, "password": PASSWORD, "csrf_token": token(page)},
            allow_redirects=False,
            timeout=30,
        )
        assert sent.status_code == 302, sent.text[:300]

    def post(self, path: str, data: dict) -> requests.Response:
        form = self.http.get(f"{self.base}/admin/", timeout=30)
        return self.http.post(
            f"{self.base}{path}",
            data={**data, "csrf_token": token(form)},
            allow_redirects=False,
            timeout=60,
        )


def token(page: requests.Response) -> str:
    match = TOKEN.search(page.text)
    assert match, page.text[:300]
    return match.group(1)


def start(kind: str, clock_file, env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own fixed command
        [sys.executable, "-m", "tests.office_process", str(clock_file), kind, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_until(predicate, what: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/login", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@needs_postgres
def test_two_of_everything_deliver_each_reminder_and_batch_exactly_once(
    app, factories, in_app, time_machine, private_redis, texts, tmp_path
):
    time_machine.move_to(office_time(2026, 11, 23, 8, 0), tick=False)
    office = office_with_phones(factories, in_app)
    office.supervisor_2 = factories.staff(Role.supervisor, estates=[office.world.a])
    plumber = factories.staff(Role.technician, estates=[office.world.a], trades=[Trade.plumbing])
    electrician = factories.staff(
        Role.technician, estates=[office.world.a], trades=[Trade.electrical]
    )
    orders = [
        factories.work_order(office.world.a, status=WorkOrderStatus.new, trade=trade)
        for trade in (Trade.plumbing, Trade.electrical)
        for _ in range(5)
    ]
    for minute in range(0, 180, 15):  # callbacks promised through the morning
        callback(factories, office, datetime(2026, 11, 23, 9, 0) + timedelta(minutes=minute))

    clock_file = tmp_path / "office-clock"
    clock_file.write_text(DAY_START.isoformat())
    time_machine.move_to(DAY_START, tick=False)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": str(app.config["SQLALCHEMY_DATABASE_URI"]),
        "REDIS_URL": private_redis.url,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"],
        "SMS_PROVIDER": PROVIDER,
        "REMINDERS_IN_PROCESS": "0",
        "REMINDER_SWEEP_SECONDS": "60",
    }
    ports = [free_port(), free_port()]
    processes = [start("web", clock_file, env, str(port)) for port in ports]
    processes += [start(kind, clock_file, env) for kind in ("worker", "worker")]
    processes += [start(kind, clock_file, env) for kind in ("scheduler", "scheduler")]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base in bases:
            wait_until(lambda base=base: answers(base), f"the web process {base}", 90)
        front = [Desk(base, office.receptionist.username) for base in bases]
        for i, desk in enumerate(front):  # two more callbacks, one saved on each process
            due = f"2026-11-23 10:{10 + i * 20}:00"
            saved = desk.post("/admin/ticket/new/", ticket_form(office, due, f"1390000{i:04d}"))
            assert saved.status_code == 302, saved.text[:300]

        # Two supervisors, one on each web process, start their dispatch batches at once.
        later = "2026-11-23T14:00"
        starts = {}

        def dispatch(i: int, trade: Trade, technician) -> None:
            desk = Desk(bases[i], (office.supervisor, office.supervisor_2)[i].username)
            starts[trade] = desk.post(
                f"/admin/work_order/act/dispatch/?scope=filter&flt0_status_equals=new"
                f"&flt1_trade_equals={trade.value}",
                {"technician": technician.id, "appointment_at": later},
            )

        both = [
            threading.Thread(target=dispatch, args=(0, Trade.plumbing, plumber)),
            threading.Thread(target=dispatch, args=(1, Trade.electrical, electrician)),
        ]
        for thread in both:
            thread.start()
        for thread in both:
            thread.join(timeout=60)
        assert [r.status_code for r in starts.values()] == [302, 302]

        # The morning passes, for every process at once.
        moment = DAY_START
        while moment < DAY_END:
            moment += STEP
            clock_file.write_text(moment.isoformat())
            time_machine.move_to(moment, tick=False)
            time.sleep(0.15)

        def all_done() -> bool:
            with in_app():
                waiting = db.session.scalar(
                    select(func.count())
                    .select_from(Reminder)
                    .where(
                        Reminder.due_at <= DAY_END.replace(tzinfo=None),
                        Reminder.status != ReminderStatus.sent,
                    )
                )
                unfinished = db.session.scalar(
                    select(func.count())
                    .select_from(BatchRun)
                    .where(BatchRun.status != BatchStatus.done)
                )
                sending = db.session.scalar(
                    select(func.count())
                    .select_from(ReminderDelivery)
                    .where(ReminderDelivery.status != DeliveryStatus.sent)
                )
            return waiting == 0 and unfinished == 0 and sending == 0

        wait_until(all_done, "the morning's reminders and batches", 60)
        time.sleep(2)  # anything doubled would arrive now
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    with in_app():
        due = db.session.scalars(
            select(Reminder).where(Reminder.due_at <= DAY_END.replace(tzinfo=None))
        ).all()
        tickets = db.session.scalar(select(func.count()).select_from(Ticket))
        assert tickets == 14
        # 14 warnings; escalations to the supervisor at each deadline by 12:30, to the
        # director two hours on: a real morning's worth, each delivered once.
        assert len(due) >= 14 + 12
        assert {(r.status, r.attempts) for r in due} == {(ReminderStatus.sent, 1)}
        entries = Counter(
            db.session.execute(select(Notification.reminder_id, Notification.staff_id)).all()
        )
        assert entries and max(entries.values()) == 1
        assert {r.id for r in due} <= {reminder for reminder, _ in entries}
        sms = db.session.scalars(
            select(ReminderDelivery).where(ReminderDelivery.channel == DeliveryChannel.sms)
        ).all()
        to_supervisor = [d for d in sms if d.address == SUPERVISOR_PHONE]
        assert to_supervisor and {d.status for d in sms} == {DeliveryStatus.sent}
        # Each text given to the provider once: as many as recorded, none twice.
        assert Counter(texts()) == Counter(d.address for d in sms)

        runs = db.session.scalars(select(BatchRun).order_by(BatchRun.id)).all()
        assert [(b.status, b.total, b.done) for b in runs] == [(BatchStatus.done, 5, 5)] * 2
        history = Counter(
            db.session.execute(select(AuditRecord.batch_id, AuditRecord.entity_id)).all()
        )
        history = {key: n for key, n in history.items() if key[0] is not None}
        assert len(history) == 10 and set(history.values()) == {1}
        states = db.session.scalars(
            select(WorkOrder.status).where(WorkOrder.id.in_([o.id for o in orders]))
        ).all()
        assert states == [WorkOrderStatus.dispatched] * 10
