"""Reminders on time through faults, injected for real: a private Redis restarted empty, an
`rq worker` process SIGKILLed in the middle of a job while it holds the scheduler's lock,
PostgreSQL connections terminated in the middle of a sweep and of a text message's send.
Each time every reminder is delivered exactly once (one inbox entry, one text) and at most
two sweep intervals after it was due; the office clock is travelled, one sweep a minute."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rq import SimpleWorker
from rq.job import Job, JobStatus
from sqlalchemy import event, select, text

from admin_app import clock
from admin_app.extensions import db
from admin_app.jobs import reminders as reminder_jobs
from admin_app.models import (
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    Reminder,
    ReminderDelivery,
    ReminderStatus,
    Staff,
    TicketCategory,
)

from .reminders_support import office_time, staff_office
from .test_faults import (
    ROOT,
    connection,
    descendants,
    needs_postgres,
    private_redis,
    terminate,
    wait_for,
)

__all__ = ["private_redis"]  # the fixture, used by name

PROVIDER = f"{__name__}:CountingSms"


class CountingSms:
    """An SMS provider that writes each text it is given to a file (FAULTS_SMS_LOG), so that
    a worker in another process counts too."""

    def send(self, phone: str, text: str) -> None:
        with open(os.environ["FAULTS_SMS_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{phone}\n")


@pytest.fixture
def texts(app, tmp_path, monkeypatch):
    """The texts handed to the provider: one phone number a line."""
    log = tmp_path / "sms.log"
    log.touch()
    monkeypatch.setenv("FAULTS_SMS_LOG", str(log))
    monkeypatch.setitem(app.config, "SMS_PROVIDER", PROVIDER)
    return lambda: log.read_text().split()


SUPERVISOR_PHONE = "13911110000"


def office_with_phones(factories, in_app):
    """staff_office, the supervisor of estate A with a mobile phone (escalations text him)."""
    office = staff_office(factories)
    with in_app():
        db.session.get(Staff, office.supervisor.id).phone = SUPERVISOR_PHONE
        db.session.commit()
    return office


def work(app, server) -> None:
    """A real rq worker with its scheduler, in this process, until the queue is empty. It
    listens to no commands (rq's pub/sub thread takes seconds to stop, and nobody sends one
    here), so that a simulated office day runs in seconds."""
    worker = SimpleWorker(["reminders"], connection=connection(server))
    worker.subscribe = worker.unsubscribe = lambda: None
    with app.app_context():
        worker.work(burst=True, with_scheduler=True)


def interval(app) -> timedelta:
    return timedelta(seconds=app.config["REMINDER_SWEEP_SECONDS"])


def sweep(app) -> int:
    with app.app_context():
        return reminder_jobs.sweep_reminders()


def callback(factories, office, due: datetime):
    """A promised callback: a warning to the receptionist 10 minutes before, and at the
    deadline an escalation to the supervisor, by text too."""
    return factories.ticket(
        office.world.a,
        category=TicketCategory.inquiry,
        callback_due_at=due,
        assignee_id=office.receptionist.id,
    )


def lateness(in_app, until: datetime) -> dict[int, int]:
    """Seconds from due to the inbox, for every reminder due by `until`; asserts that each
    was delivered, to one inbox entry per person."""
    with in_app():
        due = db.session.scalars(
            select(Reminder).where(Reminder.due_at <= until).order_by(Reminder.id)
        ).all()
        late = {}
        for reminder in due:
            entries = db.session.scalars(
                select(Notification).where(Notification.reminder_id == reminder.id)
            ).all()
            assert reminder.status is ReminderStatus.sent, reminder
            assert entries and reminder.attempts == 1, reminder
            assert len({e.staff_id for e in entries}) == len(entries)
            late[reminder.id] = int((entries[0].created_at - reminder.due_at).total_seconds())
    return late


def assert_texts_once(in_app, sent: list[str]) -> None:
    """Every text message recorded as sent left exactly once, none twice, none unknown."""
    with in_app():
        rows = db.session.scalars(
            select(ReminderDelivery).where(ReminderDelivery.channel == DeliveryChannel.sms)
        ).all()
        assert rows, "no text messages in this scenario"
        assert {r.status for r in rows} == {DeliveryStatus.sent}, [r.last_error for r in rows]
        assert sorted(r.address for r in rows) == sorted(sent)


# ---- Redis stopped and started again, empty -----------------------------------------------------
def test_redis_restarted_empty_loses_no_reminder_for_long(
    app, factories, in_app, time_machine, private_redis, texts
):
    time_machine.move_to(office_time(2026, 11, 23, 9, 0), tick=False)
    office = office_with_phones(factories, in_app)
    for due in ("15:00:00", "15:00:40"):
        callback(factories, office, datetime.fromisoformat(f"2026-11-23 {due}"))
    start = office_time(2026, 11, 23, 14, 50)
    every = interval(app)
    # A sweep a minute (those of the quiet minutes between find nothing and are left out).
    sweeps = [start + every * i for i in (0, 1, 2, 9, 10, 11, 12)]
    with in_app():
        dues = db.session.scalars(select(Reminder.due_at)).all()
    ticks = sorted({*sweeps, *(d.replace(tzinfo=start.tzinfo) for d in dues)})
    # Redis dies twice, between ticks: with the 14:50 warning queued and the 14:50:40 one
    # scheduled, then with the 15:00 escalation scheduled. Each time it comes back empty.
    # Redis dies twice and comes back empty: right after the 14:50 sweep (the 14:50 warning
    # on the queue, the 14:50:40 one scheduled), and at 14:59:30 (the 15:00 escalation
    # scheduled).
    outages = [start + timedelta(seconds=5), start + timedelta(minutes=9, seconds=30)]

    def outages_until(moment) -> None:
        while outages and outages[0] < moment:
            time_machine.move_to(outages.pop(0), tick=False)
            private_redis.stop()
            private_redis.start()

    for tick in ticks:
        outages_until(tick)
        time_machine.move_to(tick, tick=False)
        if tick in sweeps:
            sweep(app)
        outages_until(tick + timedelta(seconds=10))  # before any worker takes the jobs
        work(app, private_redis)
    late = lateness(in_app, datetime(2026, 11, 23, 15, 2))
    assert len(late) == 4  # two warnings, two escalations
    # The queued warning: the next sweep (60 s); the scheduled one: the same sweep (20 s);
    # the escalation scheduled before the second outage: that sweep, at its time (0 s).
    assert sorted(late.values()) == [0, 0, 20, 60]
    assert max(late.values()) <= 2 * every.total_seconds()
    assert_texts_once(in_app, texts())
    assert len(texts()) == 2  # the escalations, to the supervisor


# ---- a worker and its job killed, and the scheduler with them -----------------------------------
def worker_process(app, server) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": str(app.config["SQLALCHEMY_DATABASE_URI"]),
        "REDIS_URL": server.url,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "SMS_PROVIDER": PROVIDER,
        "OFFICE_HOURS_START": "0",
        "OFFICE_HOURS_END": "24",
        "REMINDERS_IN_PROCESS": "0",
    }
    return subprocess.Popen(  # noqa: S603 - our own fixed command
        [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@needs_postgres
def test_a_worker_killed_with_its_job_and_its_scheduler_delays_nothing_for_long(
    app, factories, in_app, time_machine, private_redis, texts, monkeypatch
):
    # The worker process runs on the real clock: so does this test, until the worker is dead.
    monkeypatch.setitem(app.config, "OFFICE_HOURS_START", 0)
    monkeypatch.setitem(app.config, "OFFICE_HOURS_END", 24)
    office = office_with_phones(factories, in_app)
    now = clock.now()
    stuck = callback(factories, office, now + timedelta(minutes=10))  # its warning: due now
    callback(factories, office, now + timedelta(minutes=10, seconds=25))  # … in 25 seconds
    assert sweep(app) == 2  # one on the queue, one waiting for the scheduler
    with in_app():
        warning = db.session.scalars(
            select(Reminder).where(Reminder.entity_id == stuck.id, Reminder.level == 0)
        ).one()
        queued_job = reminder_jobs.job_id(warning.id, warning.queued_at)
        engine = db.engine
    # The first warning's job starts and waits on its row (a long save holds it) …
    holder = engine.connect()
    holder.execute(text("SELECT id FROM reminder WHERE id = :id FOR UPDATE"), {"id": warning.id})
    worker = worker_process(app, private_redis)
    redis = connection(private_redis)
    try:

        def started() -> bool:
            job = Job.fetch_many([queued_job], connection=redis)[0]
            return job is not None and job.get_status() == JobStatus.STARTED

        wait_for(started, "the job to start")
        assert redis.keys("rq:scheduler-lock:*"), "the worker holds the scheduler's lock"
    finally:
        # … when the worker, its work horse and its scheduler die.
        for pid in [*descendants(worker.pid), worker.pid]:
            os.kill(pid, signal.SIGKILL)
        worker.wait(timeout=10)
        holder.rollback()
        holder.close()
    killed_at = datetime.now(UTC)
    # The lock outlives the worker (about a minute): no other worker may schedule meanwhile.
    every = interval(app)
    for minute in (1, 2):  # two sweeps, one a minute, and a healthy worker after each
        time_machine.move_to(killed_at + every * minute, tick=False)
        sweep(app)
        work(app, private_redis)
    late = lateness(in_app, clock.now())
    assert len(late) == 2
    assert max(late.values()) <= 2 * every.total_seconds(), late
    # A quarter of an hour on: the 10-minute backstop and the escalations double nothing.
    time_machine.move_to(killed_at + timedelta(minutes=15), tick=False)
    sweep(app)
    work(app, private_redis)
    assert len(lateness(in_app, clock.now())) == 4
    assert_texts_once(in_app, texts())
    assert len(texts()) == 2


# ---- PostgreSQL drops the connection mid-sweep and mid-send -------------------------------------
def start_of(minute: int, second: int) -> datetime:
    """14:`minute`:`second` at the office (minute 60 is 15:00)."""
    return office_time(2026, 11, 23, 14, 0) + timedelta(minutes=minute, seconds=second)


def drop_connection_once(app, engine, needle: str, nth: int = 1):
    """Terminate the statement's own connection at the `nth` statement containing `needle`
    ("COMMIT": at the commit of the transaction). Returns the armed state to check."""
    armed = {"left": nth}

    def kill(conn):
        terminate(app, [conn.connection.dbapi_connection.info.backend_pid])

    def on_statement(conn, cursor, statement, parameters, context, executemany):
        if armed["left"] and needle in statement:
            armed["left"] -= 1
            if not armed["left"]:
                kill(conn)

    def on_commit(conn):
        if armed["left"] and conn.connection.dbapi_connection is not None:
            armed["left"] -= 1
            if not armed["left"]:
                kill(conn)

    if needle == "COMMIT":
        event.listen(engine, "commit", on_commit)
        armed["remove"] = lambda: event.remove(engine, "commit", on_commit)
    else:
        event.listen(engine, "before_cursor_execute", on_statement)
        armed["remove"] = lambda: event.remove(engine, "before_cursor_execute", on_statement)
    return armed


@needs_postgres
@pytest.mark.parametrize("where", ["claim", "commit"])
def test_a_connection_dropped_mid_sweep_hands_everything_out_on_time(
    app, factories, in_app, time_machine, private_redis, texts, where
):
    time_machine.move_to(office_time(2026, 11, 23, 9, 0), tick=False)
    office = office_with_phones(factories, in_app)
    for due in ("15:00:00", "15:00:00", "15:00:30"):
        callback(factories, office, datetime.fromisoformat(f"2026-11-23 {due}"))
    with in_app():
        engine = db.engine
    needle = "UPDATE reminder SET status" if where == "claim" else "COMMIT"
    # The sweeps that hand something out lose their connection: 14:50 (the warnings) and
    # 14:59 (the 15:00 escalations, scheduled); 15:00 hands out the 15:00:30 one. The claim is the first
    # statement and commit after the sweep's look at Redis.
    for minute, second in ((50, 0), (50, 30), (59, 0), (60, 0), (60, 30)):
        time_machine.move_to(start_of(minute, second), tick=False)
        if second == 0 and minute in (50, 59):
            armed = drop_connection_once(app, engine, needle)
            try:
                sweep(app)
            finally:
                armed["remove"]()
            assert armed["left"] == 0, "the connection was not dropped"
        elif second == 0:
            sweep(app)  # one a minute
        work(app, private_redis)
    late = lateness(in_app, datetime(2026, 11, 23, 15, 0, 30))
    assert len(late) == 6 and set(late.values()) == {0}  # each at its time
    time_machine.move_to(start_of(61, 0), tick=False)
    sweep(app)  # a later sweep and worker change nothing
    work(app, private_redis)
    assert lateness(in_app, datetime(2026, 11, 23, 15, 0, 30)) == late
    assert_texts_once(in_app, texts())
    assert len(texts()) == 3


@needs_postgres
@pytest.mark.parametrize(
    "where",
    [
        ("read", "reminder_delivery.address", 1),  # reading the text, before its claim
        ("claim", "UPDATE reminder_delivery SET status", 1),  # claiming it
        ("record", "UPDATE reminder_delivery SET status", 2),  # after the provider took it
    ],
    ids=lambda w: w[0],
)
def test_a_connection_dropped_mid_send_sends_the_text_once(
    app, factories, in_app, time_machine, private_redis, texts, where
):
    _, needle, nth = where
    at = office_time(2026, 11, 23, 15, 0)
    time_machine.move_to(at, tick=False)
    office = office_with_phones(factories, in_app)
    callback(factories, office, datetime(2026, 11, 23, 15, 0))  # the escalation: due now
    with in_app():
        engine = db.engine
    sweep(app)
    armed = drop_connection_once(app, engine, needle, nth)
    try:
        work(app, private_redis)
    finally:
        armed["remove"]()
    assert armed["left"] == 0, "the connection was not dropped"
    with in_app():
        escalation = db.session.scalars(select(Reminder).where(Reminder.level == 1)).one()
    assert lateness(in_app, escalation.due_at) == {escalation.id: 0}
    # Sent once, in the same job: never "outcome unknown", never twice.
    assert texts() == [SUPERVISOR_PHONE]
    assert_texts_once(in_app, texts())
    time_machine.move_to(at + timedelta(minutes=20), tick=False)
    sweep(app)
    work(app, private_redis)
    assert texts() == [SUPERVISOR_PHONE]
