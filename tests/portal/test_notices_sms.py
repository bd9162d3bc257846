"""Texts to residents about their repair: dispatched (who and when), arrived, done, and the
rating asked with its link; each sent after the step's commit, once, in the household's
language, never to a household that opted out or from an estate that did not ask for it."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from flask_babel import force_locale

from admin_app import clock
from admin_app.extensions import db
from admin_app.jobs import reminders as reminder_jobs
from admin_app.models import (
    DeliveryStatus,
    Estate,
    NoticeEvent,
    ResidentNotice,
    Staff,
    Unit,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.resident_notices import jobs as notice_jobs
from admin_app.resident_notices import messages, settings
from admin_app.work_orders import operations as work_orders

from .notices_support import PHONE, make_home, use_test_provider

S = WorkOrderStatus


@pytest.fixture
def texts(app, monkeypatch):
    return use_test_provider(app, monkeypatch)


@pytest.fixture
def home(factories, in_app):
    return make_home(factories, in_app)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _dispatch(home, at=None):
    order = db.session.get(WorkOrder, home.order.id)
    work_orders.dispatch(
        order,
        db.session.get(Staff, home.desk.id),
        technician=db.session.get(Staff, home.tech.id),
        appointment_at=at or clock.now().replace(microsecond=0) + timedelta(hours=3),
    )
    db.session.commit()
    return order


def _sweep() -> None:
    reminder_jobs.sweep_once(inline=True)


def test_dispatch_texts_the_household_the_technicians_name_and_time_after_the_sweep(
    in_app, home, texts
):
    with in_app():
        at = clock.now().replace(second=0, microsecond=0) + timedelta(hours=3)
        _dispatch(home, at)
        assert texts.sent == []  # written with the step, sent by the job or the sweep
        _sweep()
    assert len(texts.sent) == 1
    phone, text = texts.sent[0]
    assert phone == PHONE
    assert "王师傅" in text and at.strftime("%m-%d %H:%M") in text and "WO-TEST-1" in text
    with in_app(), force_locale("zh_Hans_CN"):  # the household's language: Chinese by default
        assert text == messages.text_for(
            NoticeEvent.dispatched, db.session.get(WorkOrder, home.order.id)
        )


def test_arrived_and_done_each_send_one_text(in_app, home, texts):
    with in_app():
        order = _dispatch(home)
        tech = db.session.get(Staff, home.tech.id)
        work_orders.arrive(order, tech)
        db.session.commit()
        order.status = S.in_progress  # quoting is not what this test is about
        db.session.commit()
        work_orders.finish(order, tech, notes="已修好")
        db.session.commit()
        _sweep()
        _sweep()  # a second sweep sends nothing again
        events = [n.event for n in db.session.query(ResidentNotice).order_by(ResidentNotice.id)]
    assert events == [NoticeEvent.dispatched, NoticeEvent.arrived, NoticeEvent.done]
    assert len(texts.sent) == 3
    assert "王师傅" in texts.sent[1][1]


def test_a_household_that_opted_out_gets_nothing(in_app, home, texts):
    with in_app():
        settings.set_household(db.session.get(Unit, home.unit_a.id), None, sms_opt_out=True)
        db.session.commit()
        _dispatch(home)
        _sweep()
        assert db.session.query(ResidentNotice).count() == 0
    assert texts.sent == []


def test_an_estate_not_configured_sends_nothing(in_app, home, texts):
    with in_app():
        settings.set_estate_events(db.session.get(Estate, home.a.id), None, [])
        db.session.commit()
        _dispatch(home)
        _sweep()
        assert db.session.query(ResidentNotice).count() == 0
    assert texts.sent == []


def test_an_estate_texts_only_the_events_it_chose(in_app, home, texts):
    with in_app():
        estate = db.session.get(Estate, home.a.id)
        settings.set_estate_events(estate, None, [NoticeEvent.arrived])
        db.session.commit()
        order = _dispatch(home)
        work_orders.arrive(order, db.session.get(Staff, home.tech.id))
        db.session.commit()
        _sweep()
        events = [n.event for n in db.session.query(ResidentNotice)]
    assert events == [NoticeEvent.arrived]
    assert len(texts.sent) == 1


def test_a_household_that_chose_english_reads_english(in_app, home, texts):
    with in_app():
        settings.set_household(db.session.get(Unit, home.unit_a.id), None, language="en")
        db.session.commit()
        _dispatch(home)
        _sweep()
    assert "your repair WO-TEST-1 goes to 王师傅" in texts.sent[0][1]


def test_a_step_rolled_back_sends_nothing(in_app, home, texts):
    with in_app():
        order = db.session.get(WorkOrder, home.order.id)
        work_orders.dispatch(
            order,
            db.session.get(Staff, home.desk.id),
            technician=db.session.get(Staff, home.tech.id),
            appointment_at=clock.now() + timedelta(hours=3),
        )
        db.session.rollback()
        _sweep()
        assert db.session.query(ResidentNotice).count() == 0
    assert texts.sent == []


def test_the_text_leaves_only_after_the_commit(app, in_app, home, texts, monkeypatch):
    from admin_app.jobs import queue

    submitted = []
    monkeypatch.setitem(app.config, "RESIDENT_NOTICES_AT_ONCE", True)
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)  # a worker or a thread sends it
    monkeypatch.setattr(queue, "submit", lambda fn, ids, **kw: submitted.append(list(ids)))
    with in_app():
        order = db.session.get(WorkOrder, home.order.id)
        work_orders.dispatch(
            order,
            db.session.get(Staff, home.desk.id),
            technician=db.session.get(Staff, home.tech.id),
            appointment_at=clock.now() + timedelta(hours=3),
        )
        assert submitted == []  # not yet committed
        db.session.commit()
        notice_id = db.session.query(ResidentNotice.id).scalar()
    assert submitted == [[notice_id]]
    with in_app():
        notice_jobs.deliver_notices([notice_id])
    assert len(texts.sent) == 1


def test_a_failed_text_is_tried_again_like_a_reminder(in_app, home, texts):
    texts.failures = 1
    with in_app():
        _dispatch(home)
        _sweep()
        notice = db.session.query(ResidentNotice).one()
        assert (notice.status, notice.attempts) == (DeliveryStatus.pending, 1)
        _sweep()  # too soon: it waits its turn
        assert texts.sent == []
    later = clock.to_utc(clock.now() + timedelta(seconds=90))
    with time_machine.travel(later, tick=False), in_app():
        _sweep()
        notice = db.session.query(ResidentNotice).one()
        assert (notice.status, notice.attempts) == (DeliveryStatus.sent, 2)
    assert len(texts.sent) == 1


def test_the_phone_is_masked_in_the_log(app, in_app, home, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "log")
    monkeypatch.setitem(app.config, "RESIDENT_NOTICES_AT_ONCE", False)
    with caplog.at_level(logging.INFO), in_app():
        _dispatch(home)
        _sweep()
        assert db.session.query(ResidentNotice).one().status is DeliveryStatus.sent
    assert PHONE not in caplog.text
    assert "139****5678" in caplog.text


def test_closing_the_order_asks_for_the_rating_with_a_link_that_opens_it(app, in_app, home, texts):
    with in_app():
        order = db.session.get(WorkOrder, home.order.id)
        order.status, order.technician_id = S.done, home.tech.id
        db.session.commit()
        work_orders.close_with_signature(
            order,
            db.session.get(Staff, home.tech.id),
            signer_name="陈业主",
            signature_png=PNG,
            fee=Decimal("0"),
        )
        db.session.commit()
        _sweep()
    assert len(texts.sent) == 1
    link = re.search(r"https://wuye\.example(/r/l/\S+)", texts.sent[0][1])
    assert link is not None
    page = app.test_client().get(link.group(1))  # the phone opens it, nobody signed in
    assert page.status_code == 200 and 'id="rating-form"' in page.get_data(as_text=True)
