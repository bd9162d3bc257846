"""A supervisor's batch dispatch tells the technician once: "4 work orders are dispatched to
you", one inbox entry and one text, linking to his list — not one per order. One order, or an
emergency, is still told as itself; a batch run by a worker, taken up again after its job was
lost, or failing half-way, tells of every order its committed chunks handed over."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import (
    BatchRun,
    BatchStatus,
    DeliveryChannel,
    Notification,
    Reminder,
    ReminderDelivery,
    Staff,
    WorkOrder,
)
from admin_app.panel.actions import batches
from admin_app.services.reminders.channels import MemorySmsProvider

from ..reminders_support import sweep_here
from .test_batches import FILTER, S, build_world, dispatch_form, statuses, worker_on_redis

BATCH_URL = f"/admin/work_order/act/dispatch/?scope=filter&{FILTER}"


@pytest.fixture
def world(factories):
    return build_world(factories)


@pytest.fixture
def redis_worker(app, monkeypatch):
    return worker_on_redis(app, monkeypatch)


def told(in_app, person) -> list[tuple[str, str, int | None]]:
    """(rule, record type, how many) of each hand-off the person heard of."""
    with in_app():
        rows = (
            db.session.query(Reminder.rule, Reminder.entity_type, Reminder.items)
            .join(Notification, Notification.reminder_id == Reminder.id)
            .filter(Notification.staff_id == person.id)
            .order_by(Notification.id)
            .all()
        )
    return [tuple(row) for row in rows]


def test_the_technician_hears_once_of_a_batch_of_orders(login, world, in_app):
    assert login(world.supervisor).post(BATCH_URL, dispatch_form(world)).status_code == 302
    assert statuses(in_app, world.target) == [S.dispatched] * 4
    assert told(in_app, world.tech) == [("handoff_dispatched", "action_batch", 4)]
    page = login(world.tech).get("/admin/inbox/").get_data(as_text=True)
    assert "4 work orders are dispatched to you" in page
    assert 'href="/tech/"' in page  # his list of orders, not one of them


@pytest.mark.parametrize(
    "locale, words",
    [
        ("zh_Hans_CN", "4 张工单已派给您：最早一张 {first} 上门，请看您的工单列表。"),
        ("en", "4 work orders are dispatched to you: the first at {first}. See your list."),
    ],
)
def test_the_message_reads_in_the_technicians_language(login, world, in_app, locale, words):
    with in_app():
        db.session.get(Staff, world.tech.id).locale = locale
        db.session.commit()
    form = dispatch_form(world)
    login(world.supervisor).post(BATCH_URL, form)
    with in_app():
        title = db.session.query(Notification.title).filter_by(staff_id=world.tech.id).scalar()
    first = form["appointment_at"].replace("T", " ")
    assert title == words.format(first=first)


def test_one_order_in_a_batch_is_told_as_itself(login, world, in_app):
    one = world.target[0].id
    login(world.supervisor).post(f"/admin/work_order/act/dispatch/?ids={one}", dispatch_form(world))
    assert told(in_app, world.tech) == [("handoff_dispatched", "work_order", None)]
    page = login(world.tech).get("/admin/inbox/").get_data(as_text=True)
    with in_app():
        number = db.session.get(WorkOrder, one).number
    assert number in page


def test_an_emergency_in_a_batch_is_told_by_itself(login, world, in_app):
    with in_app():
        db.session.get(WorkOrder, world.target[1].id).is_emergency = True
        db.session.commit()
    login(world.supervisor).post(BATCH_URL, dispatch_form(world))
    assert sorted(told(in_app, world.tech), key=str) == [
        ("handoff_dispatched", "action_batch", 3),
        ("handoff_dispatched", "work_order", None),
    ]
    with in_app():
        emergency = (
            db.session.query(Reminder)
            .filter_by(rule="handoff_dispatched", entity_type="work_order")
            .one()
        )
        assert emergency.entity_id == world.target[1].id


def test_one_text_message_for_the_batch(app, login, world, in_app, monkeypatch):
    texts = MemorySmsProvider.sent
    texts.clear()
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "memory")
    with in_app():
        db.session.get(Staff, world.tech.id).phone = "13800000009"
        db.session.commit()
    login(world.supervisor).post(BATCH_URL, dispatch_form(world))
    for _ in range(2):
        sweep_here(app)
    assert [(phone, text[:9]) for phone, text in texts] == [("13800000009", "4 张工单已派给您")]
    with in_app():
        sms = db.session.query(ReminderDelivery).filter_by(channel=DeliveryChannel.sms).count()
        assert sms == 1


def test_a_batch_on_a_worker_tells_once_for_all_its_chunks(
    login, world, in_app, monkeypatch, redis_worker
):
    monkeypatch.setattr(batches, "INLINE_LIMIT", 2)
    monkeypatch.setattr(batches, "CHUNK", 3)
    login(world.supervisor).post(BATCH_URL, dispatch_form(world))
    assert told(in_app, world.tech) == []  # queued: nothing handed over yet
    redis_worker()
    assert told(in_app, world.tech) == [("handoff_dispatched", "action_batch", 4)]


def test_a_batch_taken_up_again_counts_the_chunks_before(login, world, in_app, monkeypatch):
    """The worker dies after the first chunk: nobody is told yet; the batch queued again
    finishes, and the technician hears of all four orders once."""
    monkeypatch.setattr(batches, "INLINE_LIMIT", 2)
    monkeypatch.setattr(batches, "CHUNK", 2)
    monkeypatch.setattr(batches, "submit", lambda *args: None)  # the job is lost
    login(world.supervisor).post(BATCH_URL, dispatch_form(world))
    real_chunk = batches._run_chunk
    chunks = []

    def dies_after_one(*args):
        if chunks:
            raise KeyboardInterrupt  # the worker killed: no except, no finally's telling
        chunks.append(real_chunk(*args))

    monkeypatch.setattr(batches, "_run_chunk", dies_after_one)
    with in_app():
        batch_id = db.session.query(BatchRun.id).scalar()
        with pytest.raises(KeyboardInterrupt):
            batches.execute(batch_id)
    assert statuses(in_app, world.target).count(S.dispatched) == 2
    assert told(in_app, world.tech) == []
    monkeypatch.setattr(batches, "_run_chunk", real_chunk)
    with in_app():
        db.session.get(BatchRun, batch_id).status = BatchStatus.queued  # as the sweep does
        db.session.commit()
        batches.execute(batch_id)
    assert statuses(in_app, world.target) == [S.dispatched] * 4
    assert told(in_app, world.tech) == [("handoff_dispatched", "action_batch", 4)]


def test_a_batch_that_fails_half_way_tells_of_what_it_handed_over(
    login, world, in_app, monkeypatch
):
    monkeypatch.setattr(batches, "INLINE_LIMIT", 10)
    monkeypatch.setattr(batches, "CHUNK", 2)
    real_chunk = batches._run_chunk
    chunks = []

    def fails_second(*args):
        if chunks:
            raise RuntimeError("database went away")
        chunks.append(real_chunk(*args))

    monkeypatch.setattr(batches, "_run_chunk", fails_second)
    with pytest.raises(RuntimeError):
        login(world.supervisor).post(BATCH_URL, dispatch_form(world))
    with in_app():
        assert db.session.query(BatchRun.status).scalar() is BatchStatus.failed
    assert statuses(in_app, world.target).count(S.dispatched) == 2
    assert told(in_app, world.tech) == [("handoff_dispatched", "action_batch", 2)]
