"""Supervisors' batches over a whole filter: confirmation first, exactly the filtered rows of
their estates, refusals skipped and reported, recorded, and large ones run by a worker."""

from __future__ import annotations

import os
import re
from datetime import timedelta

import fakeredis
import pytest
from rq import SimpleWorker

from admin_app import clock
from admin_app import redis as app_redis
from admin_app.extensions import db
from admin_app.jobs import queue as jobs
from admin_app.models import (
    AuditRecord,
    BatchRun,
    BatchStatus,
    Estate,
    Role,
    Staff,
    Ticket,
    TicketCategory,
    TicketStatus,
    Trade,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.panel.actions import batches

S = WorkOrderStatus
FILTER = "flt0_status_equals=new&flt1_trade_equals=plumbing"


@pytest.fixture
def world(factories):
    return build_world(factories)


def build_world(factories):
    """Estates A and B; in A a supervisor, a plumber, a receptionist, four new plumbing orders
    (target) and three that a filter on new plumbing orders of A leaves out (others)."""
    w = factories.two_estates()
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing])
    w.receptionist = factories.staff(Role.receptionist, estates=[w.a])
    w.target = [factories.work_order(w.a, status=S.new, trade=Trade.plumbing) for _ in range(4)]
    w.others = [
        factories.work_order(w.a, status=S.new, trade=Trade.electrical),
        factories.work_order(
            w.a, status=S.dispatched, trade=Trade.plumbing, technician_id=w.tech.id
        ),
        factories.work_order(w.b, status=S.new, trade=Trade.plumbing),
    ]
    return w


def statuses(in_app, orders):
    with in_app():
        return [db.session.get(WorkOrder, o.id).status for o in orders]


def dispatch_form(world):
    later = (clock.now() + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
    return {"technician": world.tech.id, "appointment_at": later}


def test_confirmation_page_counts_and_runs_nothing(login, world, in_app):
    c = login(world.supervisor)
    page = c.get(f"/admin/work_order/act/dispatch/?scope=filter&{FILTER}").get_data(as_text=True)
    assert "4 records will be changed." in page
    assert "matches the list" in page
    assert statuses(in_app, world.target) == [S.new] * 4
    with in_app():
        assert db.session.query(BatchRun).count() == 0


def test_filter_wide_batch_touches_exactly_the_filtered_rows(login, world, in_app):
    c = login(world.supervisor)
    response = c.post(
        f"/admin/work_order/act/dispatch/?scope=filter&{FILTER}", dispatch_form(world)
    )
    assert response.status_code == 302
    assert statuses(in_app, world.target) == [S.dispatched] * 4
    assert statuses(in_app, world.others) == [S.new, S.dispatched, S.new]
    with in_app():
        batch = db.session.query(BatchRun).one()
        assert batch.total == 4 and batch.done == 4 and "flt0_status_equals=new" in batch.selection
        assert [e.id for e in batch.estates] == [world.a.id]
        rows = db.session.query(AuditRecord).filter_by(batch_id=batch.id, action="dispatch").all()
        assert sorted(r.entity_id for r in rows) == sorted(o.id for o in world.target)
        assert {r.actor_id for r in rows} == {world.supervisor.id}


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Status equals New", "Trade equals Plumbing"]),
        ("zh-CN", ["状态 等于 新建", "工种 等于 水暖"]),
    ],
)
def test_the_batch_page_says_its_filter_in_words(login, world, in_app, lang, words):
    login(world.supervisor).post(
        f"/admin/work_order/act/dispatch/?scope=filter&{FILTER}", dispatch_form(world)
    )
    with in_app():
        batch = db.session.query(BatchRun).one()
    page = login(world.supervisor, lang=lang).get(f"/admin/action_batch/details/?id={batch.id}")
    text = page.get_data(as_text=True)
    for said in words:
        assert said in text
    # Never the stored query string nor the codes in it.
    assert "flt0" not in text and "scope=filter" not in text and "plumbing" not in text


def test_a_batch_over_ticked_records_says_how_many(login, world):
    c = login(world.supervisor)
    ids = ",".join(str(o.id) for o in world.target[:2])
    c.post(f"/admin/work_order/act/dispatch/?ids={ids}", dispatch_form(world))
    page = c.get("/admin/action_batch/").get_data(as_text=True)
    batch_id = re.search(r"/admin/action_batch/details/\?id=(\d+)", page).group(1)
    text = c.get(f"/admin/action_batch/details/?id={batch_id}").get_data(as_text=True)
    assert "2 records ticked on the list" in text and "ids=" not in text


def test_confirmation_needs_csrf(login, world, in_app):
    c = login(world.supervisor)
    url = f"/admin/work_order/act/dispatch/?scope=filter&{FILTER}"
    assert c.post(url, dispatch_form(world), csrf=False).status_code == 400
    assert statuses(in_app, world.target) == [S.new] * 4


def test_refused_states_are_skipped_and_reported(login, factories, world, in_app):
    resolved = factories.ticket(
        world.a, category=TicketCategory.help, status=TicketStatus.resolved, result="已处理"
    )
    open_one = factories.ticket(world.a, category=TicketCategory.help, status=TicketStatus.open)
    c = login(world.supervisor)
    page = c.get("/admin/ticket/act/close/?scope=filter").get_data(as_text=True)
    assert "1 record will be changed." in page and "1 will be skipped." in page
    assert "not possible now" in page
    c.post("/admin/ticket/act/close/?scope=filter", {})
    with in_app():
        assert db.session.get(Ticket, resolved.id).status is TicketStatus.closed
        assert db.session.get(Ticket, open_one.id).status is TicketStatus.open
        batch = db.session.query(BatchRun).one()
        assert (batch.done, batch.skipped) == (1, 1)
        assert any("not possible now" in reason for reason in batch.problems.values())


def test_batches_are_visible_to_their_estates_only(login, factories, world):
    c = login(world.supervisor)
    c.post(f"/admin/work_order/act/dispatch/?scope=filter&{FILTER}", dispatch_form(world))
    assert "details/?id=1&" in c.get("/admin/action_batch/").get_data(as_text=True)
    stranger = login(factories.staff(Role.supervisor, estates=[world.b]))
    assert "details/?id=1&" not in stranger.get("/admin/action_batch/").get_data(as_text=True)
    assert stranger.get("/admin/action_batch/details/?id=1").status_code == 404
    receptionist = login(factories.staff(Role.receptionist, estates=[world.a]))
    assert receptionist.get("/admin/action_batch/").status_code == 403


def _fake_redis(app, monkeypatch):
    connection = fakeredis.FakeRedis()
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://fake")
    monkeypatch.setattr(app_redis, "connection", lambda: connection)
    return connection


def _burst_worker(app, connection):
    """What an RQ worker does with the queued jobs, run here until the queue is empty."""

    def run():
        with app.app_context():
            SimpleWorker([jobs.DEFAULT_QUEUE], connection=connection).work(burst=True)

    return run


@pytest.fixture
def redis_worker(app, monkeypatch):
    return worker_on_redis(app, monkeypatch)


def worker_on_redis(app, monkeypatch):
    """An RQ worker run in place, on REDIS_URL's Redis when set, else on fakeredis."""
    if os.environ.get("REDIS_URL"):
        monkeypatch.setitem(app.config, "REDIS_URL", os.environ["REDIS_URL"])
        with app.app_context():
            connection = app_redis.connection()
    else:
        connection = _fake_redis(app, monkeypatch)
    with app.app_context():
        jobs.queue().empty()
    return _burst_worker(app, connection)


@pytest.fixture
def failing_worker(app, monkeypatch):
    """An RQ worker on fakeredis even when REDIS_URL is set, for a batch meant to fail: its
    failed job must not land in the real Redis's shared "default" registry, which the
    failed-jobs page (and its tests, in other xdist workers) lists."""
    return _burst_worker(app, _fake_redis(app, monkeypatch))


def test_large_batch_runs_on_a_worker_with_progress(
    login, world, in_app, monkeypatch, redis_worker
):
    monkeypatch.setattr(batches, "INLINE_LIMIT", 2)
    monkeypatch.setattr(batches, "CHUNK", 3)
    c = login(world.supervisor)
    response = c.post(
        f"/admin/work_order/act/dispatch/?scope=filter&{FILTER}", dispatch_form(world)
    )
    batch_url = response.headers["Location"]
    batch_id = int(batch_url.split("id=")[1])
    before = c.get(f"/admin/action_batch/progress/?id={batch_id}").get_json()
    assert before["status"] == "queued" and before["processed"] == 0 and before["total"] == 4
    assert statuses(in_app, world.target) == [S.new] * 4  # nothing yet: the worker runs it
    assert 'id="batch-progress"' in c.get(batch_url).get_data(as_text=True)
    redis_worker()
    after = c.get(f"/admin/action_batch/progress/?id={batch_id}").get_json()
    assert after["status"] == "done" and after["processed"] == 4 and after["done"] == 4
    assert statuses(in_app, world.target) == [S.dispatched] * 4


def test_chunks_stay_short_on_sqlite_where_each_holds_the_write_lock(
    login, world, in_app, monkeypatch, redis_worker
):
    """SQLite has one write lock, held for a whole chunk: requests wait for it, so its chunks
    stay short; PostgreSQL locks only the chunk's rows and takes longer chunks."""
    monkeypatch.setattr(batches, "INLINE_LIMIT", 2)
    monkeypatch.setattr(batches, "CHUNK", 3)
    monkeypatch.setattr(batches, "SQLITE_CHUNK", 2)
    sizes = []
    run_chunk = batches._run_chunk

    def counting(view, action, batch, actor, ids):
        sizes.append(len(ids))
        return run_chunk(view, action, batch, actor, ids)

    monkeypatch.setattr(batches, "_run_chunk", counting)
    c = login(world.supervisor)
    c.post(f"/admin/work_order/act/dispatch/?scope=filter&{FILTER}", dispatch_form(world))
    redis_worker()
    with in_app():
        sqlite = db.session.get_bind().dialect.name == "sqlite"
    assert sizes == ([2, 2] if sqlite else [3, 1])
    assert statuses(in_app, world.target) == [S.dispatched] * 4


def test_a_retried_batch_job_does_not_run_twice(login, world, in_app, monkeypatch):
    c = login(world.supervisor)
    c.post(f"/admin/work_order/act/dispatch/?scope=filter&{FILTER}", dispatch_form(world))
    with in_app():
        batch = db.session.query(BatchRun).one()
        assert batch.status is BatchStatus.done
        batch_id = batch.id
    with in_app():
        batches.run_batch(batch_id)  # as if RQ retried the job
    with in_app():
        rows = db.session.query(AuditRecord).filter_by(batch_id=batch_id).count()
        assert rows == 4 and db.session.get(BatchRun, batch_id).done == 4


def test_send_a_reminder_now_over_a_filter(login, world, in_app, app, monkeypatch):
    from admin_app.jobs.reminders import sweep_once
    from admin_app.models import Notification, Reminder

    c = login(world.supervisor)
    page = c.get("/admin/work_order/act/remind/?scope=filter&flt0_status_equals=dispatched")
    assert "1 record will be changed." in page.get_data(as_text=True)
    c.post("/admin/work_order/act/remind/?scope=filter&flt0_status_equals=dispatched", {})
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    with in_app():
        reminder = db.session.query(Reminder).filter_by(rule="manual").one()
        assert reminder.recipient_id == world.tech.id
        sweep_once(inline=True)
        db.session.commit()
        notes = db.session.query(Notification).filter_by(staff_id=world.tech.id).all()
        assert len(notes) == 1 and notes[0].title.startswith("主管请您立即处理")  # his language
    receptionist = login(world.receptionist)
    assert receptionist.get("/admin/work_order/act/remind/?scope=filter").status_code == 403


def test_a_refusal_while_the_batch_runs_changes_only_the_refused_order(
    login, world, in_app, monkeypatch
):
    """Dispatch runs a chunk with one flush: an order the verb refuses mid-chunk keeps its
    state and gets no history, the others go through, and the refusal is reported."""
    from admin_app.work_orders import operations as work_orders

    refuse = world.target[1].id
    real_check = work_orders._check_technician

    def check(order, technician):
        if order.id == refuse:  # e.g. the technician's trades changed since the confirmation
            order.technician_id = technician.id  # a change the refusal must not leave behind
            raise work_orders.ServiceError("电工不做水管活")
        real_check(order, technician)

    monkeypatch.setattr(work_orders, "_check_technician", check)
    c = login(world.supervisor)
    c.post(f"/admin/work_order/act/dispatch/?scope=filter&{FILTER}", dispatch_form(world))
    expected = [S.dispatched, S.new, S.dispatched, S.dispatched]
    assert statuses(in_app, world.target) == expected
    with in_app():
        batch = db.session.query(BatchRun).one()
        assert (batch.done, batch.failed) == (3, 1)
        assert "电工不做水管活" in " ".join(batch.problems.values())
        refused = db.session.get(WorkOrder, refuse)
        assert refused.technician_id is None
        history = {r.entity_id for r in db.session.query(AuditRecord).filter_by(batch_id=batch.id)}
        assert history == {o.id for o in world.target} - {refuse}


@pytest.mark.parametrize(
    "bad_filter", ["flt1_status_equals=junk", "flt1_status_equals=", "flt1_no_such_filter=x"]
)
def test_a_batch_whose_filter_cannot_be_read_is_refused_not_widened(
    login, world, in_app, bad_filter
):
    c = login(world.supervisor)
    url = f"/admin/work_order/act/dispatch/?scope=filter&flt0_trade_equals=plumbing&{bad_filter}"
    page = c.get(url, follow_redirects=True)  # back to the list, which says why
    assert page.request.path == "/admin/work_order/"
    assert "A filter of this batch is not valid" in page.get_data(as_text=True)
    assert c.post(url, dispatch_form(world)).status_code == 302
    assert statuses(in_app, world.target) == [S.new] * 4
    assert statuses(in_app, world.others) == [S.new, S.dispatched, S.new]
    with in_app():
        assert db.session.query(BatchRun).count() == 0


def test_a_refusal_after_the_technician_was_told_takes_the_message_back(
    login, world, in_app, monkeypatch
):
    """A verb that refuses after handing the order over (the batch tells everyone together at
    its end): the technician hears of the orders that went through, not of the refused one."""
    from admin_app.models import Notification, Reminder
    from admin_app.work_orders import operations as work_orders

    refuse = world.target[2].id
    real_dispatched = work_orders.handoffs.dispatched

    def dispatched(order, was):
        real_dispatched(order, was)
        if order.id == refuse:
            raise work_orders.ServiceError("预约时间已被占用")

    monkeypatch.setattr(work_orders.handoffs, "dispatched", dispatched)
    login(world.supervisor).post(
        f"/admin/work_order/act/dispatch/?scope=filter&{FILTER}", dispatch_form(world)
    )
    assert statuses(in_app, world.target) == [S.dispatched, S.dispatched, S.new, S.dispatched]
    with in_app():
        told = db.session.query(Reminder).filter_by(
            recipient_id=world.tech.id, rule="handoff_dispatched"
        )
        assert [(r.entity_type, r.items) for r in told] == [("action_batch", 3)]
        inbox = db.session.query(Notification).filter_by(staff_id=world.tech.id).count()
        assert inbox == 1


def _statements_while(app, run) -> list[str]:
    from sqlalchemy import event

    seen = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


def test_a_chunk_costs_the_same_statements_for_3_or_40_orders(login, factories, app, in_app):
    """Set-based: the chunk's updates (appointments and emergencies alike), history,
    statistics counts, reminders and hand-offs are written in a fixed number of statements,
    whatever the number of orders (the technician is told of each emergency by itself, and
    once of the others)."""
    from admin_app.models import Notification

    found = {}
    for n in (3, 40):
        estate = factories.estate()
        supervisor = factories.staff(Role.supervisor, estates=[estate])
        tech = factories.staff(Role.technician, estates=[estate], trades=[Trade.plumbing])
        orders = [
            factories.work_order(
                estate, status=S.new, trade=Trade.plumbing, is_emergency=i % 3 == 0
            )
            for i in range(n)
        ]
        client = login(supervisor)
        later = (clock.now() + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
        form = {"technician": tech.id, "appointment_at": later}
        found[n] = _statements_while(
            app,
            lambda c=client, f=form: c.post(
                f"/admin/work_order/act/dispatch/?scope=filter&{FILTER}", f
            ),
        )
        assert statuses(in_app, orders) == [S.dispatched] * n
        with in_app():
            emergencies = sum(o.is_emergency for o in orders)
            told = db.session.query(Notification).filter_by(staff_id=tech.id).count()
            assert told == emergencies + 1
            history = db.session.query(AuditRecord).filter_by(action="dispatch")
            assert {r.entity_id for r in history} >= {o.id for o in orders}
        # One UPDATE of the orders and one INSERT of their history for the chunk.
        assert sum(s.startswith("UPDATE work_order") for s in found[n]) == 1, found[n]
        assert sum(s.startswith("INSERT INTO audit_record") for s in found[n]) == 1
    assert len(found[40]) == len(found[3]), (found[3], found[40])


@pytest.mark.parametrize("change", ["left", "moved"])
def test_a_queued_dispatch_is_not_run_for_a_technician_no_longer_a_candidate(
    login, world, in_app, monkeypatch, failing_worker, change
):
    """The chunk checks the stored technician again: gone from the company or from the
    orders' estates since the confirmation, no order is dispatched to him."""
    monkeypatch.setattr(batches, "INLINE_LIMIT", 2)
    c = login(world.supervisor)
    response = c.post(
        f"/admin/work_order/act/dispatch/?scope=filter&{FILTER}", dispatch_form(world)
    )
    batch_id = int(response.headers["Location"].split("id=")[1])
    with in_app():
        tech = db.session.get(Staff, world.tech.id)
        if change == "left":
            tech.active = False
        else:
            tech.estates = [db.session.get(Estate, world.b.id)]
        db.session.commit()
    failing_worker()
    progress = c.get(f"/admin/action_batch/progress/?id={batch_id}").get_json()
    assert progress["status"] == "failed" and progress["done"] == 0
    assert statuses(in_app, world.target) == [S.new] * 4


def test_the_batch_page_leads_back_to_the_filtered_list(login, world, in_app):
    c = login(world.supervisor)
    c.post(
        f"/admin/work_order/act/dispatch/?scope=filter&{FILTER}&sort=1&desc=1", dispatch_form(world)
    )
    with in_app():
        batch = db.session.query(BatchRun).one()
    page = c.get(f"/admin/action_batch/details/?id={batch.id}").get_data(as_text=True)
    assert f'href="/admin/action_batch/records/?id={batch.id}"' in page
    back = c.get(f"/admin/action_batch/records/?id={batch.id}")
    assert back.status_code == 302
    assert back.headers["Location"] == f"/admin/work_order/?{FILTER}&sort=1&desc=1"


def _appointments(in_app, orders) -> list:
    with in_app():
        return [db.session.get(WorkOrder, o.id).appointment_at for o in orders]


def test_a_batch_dispatch_keeps_each_orders_agreed_time(login, world, in_app):
    agreed = (clock.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    with in_app():
        for order in world.target:
            db.session.get(WorkOrder, order.id).appointment_at = agreed
        db.session.commit()
    c = login(world.supervisor)
    url = f"/admin/work_order/act/dispatch/?scope=filter&{FILTER}"
    assert "Each order keeps the time agreed" in c.get(url).get_data(as_text=True)
    assert c.post(url, {"technician": world.tech.id}).status_code == 302
    assert statuses(in_app, world.target) == [S.dispatched] * 4
    assert _appointments(in_app, world.target) == [agreed] * 4


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_batch_asks_the_time_the_orders_without_one_need_before_it_runs(
    login, world, in_app, lang
):
    """Two of the four have a time agreed: the page says the other two need one and asks for
    it, instead of a batch that reports them failed afterwards."""
    agreed = (clock.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    with in_app():
        for order in world.target[:2]:
            db.session.get(WorkOrder, order.id).appointment_at = agreed
        db.session.commit()
    c = login(world.supervisor, lang=lang)
    url = f"/admin/work_order/act/dispatch/?scope=filter&{FILTER}"
    said = {
        "en": "2 orders have no time agreed yet: they get this one (the others keep theirs).",
        "zh-CN": "2 张工单尚未约定时间：使用此时间（其余工单保留各自的时间）。",
    }[lang]
    assert said in c.get(url).get_data(as_text=True)
    refused = c.post(url, {"technician": world.tech.id})
    assert refused.status_code == 200 and said in refused.get_data(as_text=True)
    with in_app():
        assert db.session.query(BatchRun).count() == 0
    given = dispatch_form(world)
    assert c.post(url, given).status_code == 302
    assert statuses(in_app, world.target) == [S.dispatched] * 4
    times = _appointments(in_app, world.target)
    assert times[:2] == [agreed] * 2
    assert [t.strftime("%Y-%m-%dT%H:%M") for t in times[2:]] == [given["appointment_at"]] * 2
