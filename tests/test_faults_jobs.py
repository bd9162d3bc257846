"""Faults in the middle of a background job, injected for real (test_faults.py has the
private redis-server and the PostgreSQL termination): Redis killed while a worker runs a
supervisor's large batch, then started again empty; PostgreSQL dropping the worker's
connection in the middle of a batch chunk and of a reminder's delivery. Each chunk of a batch
and each delivery is written whole or not at all, a batch whose job was lost is taken up
again where it stopped, a delivery is retried, and the next job works."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from redis.exceptions import RedisError
from rq import SimpleWorker
from rq.registry import FailedJobRegistry
from sqlalchemy import event, select

from admin_app import clock
from admin_app.extensions import db
from admin_app.jobs import queue as jobs
from admin_app.jobs import reminders as reminder_jobs
from admin_app.models import (
    AuditRecord,
    BatchRun,
    BatchStatus,
    Reminder,
    ReminderStatus,
    Role,
    TicketCategory,
    Trade,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.panel.actions import batches

from .reminders_support import inbox, staff_office
from .test_faults import connection, needs_postgres, private_redis, terminate

__all__ = ["private_redis"]  # the fixture, used by name

S = WorkOrderStatus
PLUMBING = "flt0_status_equals=new&flt1_trade_equals=plumbing"
ELECTRICAL = "flt0_status_equals=new&flt1_trade_equals=electrical"


@pytest.fixture
def office(factories, login, monkeypatch):
    """A supervisor, a plumber and an electrician, four new orders of each trade; batches of
    more than 2 records go to a worker, 2 records a chunk."""
    monkeypatch.setattr(batches, "INLINE_LIMIT", 2)
    monkeypatch.setattr(batches, "CHUNK", 2)
    w = factories.two_estates()
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    w.techs = {
        trade: factories.staff(Role.technician, estates=[w.a], trades=[trade])
        for trade in (Trade.plumbing, Trade.electrical)
    }
    w.orders = {
        trade: [factories.work_order(w.a, status=S.new, trade=trade) for _ in range(4)]
        for trade in w.techs
    }
    w.client = login(w.supervisor)
    return w


def start_batch(office, trade: Trade, selection: str) -> int:
    later = (clock.now() + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
    response = office.client.post(
        f"/admin/work_order/act/dispatch/?scope=filter&{selection}",
        {"technician": office.techs[trade].id, "appointment_at": later},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return int(response.headers["Location"].split("id=")[1])


def progress(office, batch_id: int) -> dict:
    return office.client.get(f"/admin/action_batch/progress/?id={batch_id}").get_json()


def orders_and_history(in_app, orders, batch_id: int) -> tuple[list, set]:
    """Each order's state, and the orders that have a history entry of this batch."""
    with in_app():
        states = [db.session.get(WorkOrder, o.id).status for o in orders]
        history = db.session.scalars(
            select(AuditRecord.entity_id).where(AuditRecord.batch_id == batch_id)
        ).all()
    assert len(history) == len(set(history)), "an order dispatched twice"
    return states, set(history)


def run_worker(app, server, queues=(jobs.DEFAULT_QUEUE,), scheduler: bool = False) -> None:
    """A real rq worker, in this process (so that the test can act mid-job), until the queue
    is empty or Redis is gone. A worker that loses Redis cannot unsubscribe: its listening
    thread is stopped here, or it would go on logging reconnection errors."""
    worker = SimpleWorker(list(queues), connection=connection(server))
    try:
        with app.app_context():
            worker.work(burst=True, with_scheduler=scheduler)
    finally:
        if getattr(worker, "pubsub_thread", None) is not None:
            worker.pubsub_thread.stop()
            worker.pubsub_thread.join(timeout=5)


def assert_half_done(orders, states, history) -> None:
    """One chunk of two orders written whole (dispatched, with history), the other not at all
    (the chunks follow the list's order, not the orders' ids)."""
    dispatched = {o.id for o, state in zip(orders, states, strict=True) if state is S.dispatched}
    assert (states.count(S.dispatched), states.count(S.new)) == (2, 2), states
    assert history == dispatched


def after_chunks(monkeypatch, count: int, then) -> None:
    """Call `then()` once, right after the batch's `count`-th chunk has committed."""
    real = batches._run_chunk
    seen = {"chunks": 0}

    def run_chunk(*args, **kwargs):
        real(*args, **kwargs)
        seen["chunks"] += 1
        if seen["chunks"] == count:
            then()

    monkeypatch.setattr(batches, "_run_chunk", run_chunk)


# ---- (a) Redis killed while a worker runs a batch ----------------------------------------------
def test_redis_killed_mid_batch_then_restarted(
    app, office, in_app, time_machine, private_redis, monkeypatch
):
    time_machine.move_to(datetime.now(UTC), tick=False)
    plumbing = start_batch(office, Trade.plumbing, PLUMBING)
    electrical = start_batch(office, Trade.electrical, ELECTRICAL)  # queued behind it
    assert progress(office, plumbing)["status"] == "queued"
    assert progress(office, electrical)["status"] == "queued"

    # The worker takes the plumbing batch; after its first chunk, Redis dies (no persistence:
    # the electrical batch's job dies with it). The job itself needs no Redis and goes on.
    after_chunks(monkeypatch, 1, private_redis.stop)
    with contextlib.suppress(RedisError):  # the worker cannot report to Redis, and quits
        run_worker(app, private_redis)
    states, history = orders_and_history(in_app, office.orders[Trade.plumbing], plumbing)
    assert states == [S.dispatched] * 4 and len(history) == 4
    assert progress(office, plumbing)["status"] == "done"
    states, history = orders_and_history(in_app, office.orders[Trade.electrical], electrical)
    assert states == [S.new] * 4 and history == set()
    assert progress(office, electrical)["status"] == "queued"  # its job is gone

    # Redis is back, empty. The cron's check for lost batches hands the electrical batch out
    # again once it has been silent for BATCH_STALE_SECONDS, and only that one.
    private_redis.start()
    monkeypatch.setitem(app.extensions, "wuye_redis", {})
    with in_app():
        assert batches.resume_stalled_batches() == 0  # not yet: it may only be slow
    time_machine.shift(timedelta(seconds=app.config["BATCH_STALE_SECONDS"] + 60))
    with in_app():
        assert batches.resume_stalled_batches() == 1
    run_worker(app, private_redis)
    states, history = orders_and_history(in_app, office.orders[Trade.electrical], electrical)
    assert states == [S.dispatched] * 4 and len(history) == 4
    assert progress(office, electrical) | {"status_label": None} == {
        "status": "done",
        "status_label": None,
        "total": 4,
        "processed": 4,
        "done": 4,
        "skipped": 0,
        "failed": 0,
    }
    with in_app():
        assert batches.resume_stalled_batches() == 0  # nothing left to resume


def test_a_batch_lost_mid_way_resumes_where_it_stopped(
    app, office, in_app, time_machine, private_redis, monkeypatch
):
    """The worker dies with Redis after the first chunk (its process is gone: nothing after
    that chunk runs). The batch is taken up again at the second chunk: no order twice."""
    time_machine.move_to(datetime.now(UTC), tick=False)
    batch_id = start_batch(office, Trade.plumbing, PLUMBING)

    class WorkerDied(BaseException):  # not an Exception: the batch is not marked failed
        pass

    def die():
        private_redis.stop()
        raise WorkerDied

    after_chunks(monkeypatch, 1, die)
    with contextlib.suppress(WorkerDied, RedisError):
        run_worker(app, private_redis)
    with in_app():
        db.session.remove()
    states, history = orders_and_history(in_app, office.orders[Trade.plumbing], batch_id)
    assert_half_done(office.orders[Trade.plumbing], states, history)
    lost = progress(office, batch_id)
    assert (lost["status"], lost["processed"], lost["done"]) == ("running", 2, 2)

    private_redis.start()
    monkeypatch.setitem(app.extensions, "wuye_redis", {})
    with in_app():
        batches.run_batch(batch_id)  # a retried job while it may still run: left alone
    assert progress(office, batch_id)["processed"] == 2
    time_machine.shift(timedelta(seconds=app.config["BATCH_STALE_SECONDS"] + 60))
    with in_app():
        assert batches.resume_stalled_batches() == 1
    run_worker(app, private_redis)
    states, history = orders_and_history(in_app, office.orders[Trade.plumbing], batch_id)
    assert states == [S.dispatched] * 4 and len(history) == 4
    done = progress(office, batch_id)
    assert (done["status"], done["processed"], done["done"], done["failed"]) == ("done", 4, 4, 0)


# ---- (b) PostgreSQL drops the worker's connection mid-chunk ------------------------------------
@needs_postgres
def test_a_connection_dropped_mid_batch_fails_the_chunk_whole_and_the_next_job_works(
    app, office, in_app, private_redis, monkeypatch
):
    batch_id = start_batch(office, Trade.plumbing, PLUMBING)
    with in_app():
        engine = db.engine
    armed = {"on": False, "fired": False}  # armed once the first chunk has committed
    after_chunks(monkeypatch, 1, lambda: armed.update(on=True))

    def kill_own_connection(conn, cursor, statement, parameters, context, executemany):
        if armed["on"] and statement.lstrip().upper().startswith("UPDATE WORK_ORDER"):
            armed.update(on=False, fired=True)  # the second chunk's update is cut off
            terminate(app, [conn.connection.dbapi_connection.info.backend_pid])

    event.listen(engine, "before_cursor_execute", kill_own_connection)
    try:
        run_worker(app, private_redis)
    finally:
        event.remove(engine, "before_cursor_execute", kill_own_connection)
    assert armed["fired"], "the connection was not dropped"

    # The second chunk is not written at all, the first one is, whole; the batch says so.
    states, history = orders_and_history(in_app, office.orders[Trade.plumbing], batch_id)
    assert_half_done(office.orders[Trade.plumbing], states, history)
    failed = progress(office, batch_id)
    assert (failed["status"], failed["done"], failed["processed"]) == ("failed", 2, 2)
    with app.app_context():
        registry = FailedJobRegistry(queue=jobs.queue())
        assert len(registry.get_job_ids()) == 1  # and the administrators see the failed job
    page = office.client.get(f"/admin/action_batch/details/?id={batch_id}")
    assert page.status_code == 200 and "Failed" in page.get_data(as_text=True)

    # The next job works: the same step over what is left (on the worker too).
    monkeypatch.setattr(batches, "INLINE_LIMIT", 1)
    again = start_batch(office, Trade.plumbing, PLUMBING)
    run_worker(app, private_redis)
    states, _ = orders_and_history(in_app, office.orders[Trade.plumbing], again)
    assert states == [S.dispatched] * 4
    assert progress(office, again)["status"] == "done"
    with in_app():
        batch = db.session.get(BatchRun, again)
        assert (batch.total, batch.done, batch.status) == (2, 2, BatchStatus.done)
    assert connection(private_redis).ping()


@needs_postgres
def test_a_connection_dropped_mid_delivery_is_survived_and_delivers_once(
    app, factories, in_app, time_machine, private_redis, monkeypatch
):
    time_machine.move_to(datetime.now(UTC), tick=False)
    monkeypatch.setitem(app.config, "OFFICE_HOURS_START", 0)
    monkeypatch.setitem(app.config, "OFFICE_HOURS_END", 24)
    office = staff_office(factories)
    ticket = factories.ticket(
        office.world.a,
        category=TicketCategory.inquiry,
        callback_due_at=clock.now() + timedelta(minutes=5),  # the warning is due now
        assignee_id=office.receptionist.id,
    )
    with app.app_context():
        assert reminder_jobs.sweep_reminders() == 1
    with in_app():
        engine = db.engine
    armed = {"on": True}

    def kill_own_connection(conn, cursor, statement, parameters, context, executemany):
        if armed["on"] and "INSERT INTO notification" in statement:
            armed["on"] = False  # the inbox entry is being written when the server drops it
            terminate(app, [conn.connection.dbapi_connection.info.backend_pid])

    event.listen(engine, "before_cursor_execute", kill_own_connection)
    try:
        run_worker(app, private_redis, queues=("reminders",))
    finally:
        event.remove(engine, "before_cursor_execute", kill_own_connection)
    assert not armed["on"], "the connection was not dropped"

    # The job rolled back, took a fresh connection and delivered: once, without waiting for
    # RQ's retry.
    assert inbox(in_app, office.receptionist) == [("callback", 0, "ticket", ticket.id)]
    with in_app():
        warning = db.session.scalars(select(Reminder).where(Reminder.level == 0)).one()
        assert (warning.status, warning.attempts) == (ReminderStatus.sent, 1)
    time_machine.shift(timedelta(seconds=reminder_jobs.RETRY_INTERVALS[0] + 1))
    with app.app_context():  # nothing left to retry, nothing among the failed jobs
        assert reminder_jobs.sweep_reminders() == 0
        assert FailedJobRegistry(queue=jobs.queue("reminders")).get_job_ids() == []
    run_worker(app, private_redis, queues=("reminders",), scheduler=True)
    assert inbox(in_app, office.receptionist) == [("callback", 0, "ticket", ticket.id)]
