"""Delivery on RQ (the real Redis when REDIS_URL is set, fakeredis otherwise): every reminder
reaches each recipient exactly once — through a Redis outage, a failing job, two sweeps at
once and a worker that dies mid-job — by inbox, e-mail and SMS."""

from __future__ import annotations

import logging
import re
import smtplib
import threading
import time
from datetime import datetime, timedelta

import pytest
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.cron import CronScheduler
from rq.registry import FailedJobRegistry, ScheduledJobRegistry
from sqlalchemy import select

from admin_app import clock
from admin_app import redis as app_redis
from admin_app.extensions import db
from admin_app.jobs import reminders as reminder_jobs
from admin_app.models import (
    DeliveryChannel,
    DeliveryStatus,
    PassStatus,
    Reminder,
    ReminderDelivery,
    ReminderStatus,
    Staff,
    Ticket,
    TicketCategory,
    WorkOrderStatus,
)
from admin_app.services.reminders import channels, delivery

from ...reminders_support import all_notifications, inbox, office_time, staff_office

NOW = office_time(2026, 11, 23, 9, 0)
D = datetime(2026, 11, 23, 15, 0)
AT_WARNING = office_time(2026, 11, 23, 14, 50)


class FakeSMTP:
    """Stands in for smtplib.SMTP: records messages, fails when told to. No network."""

    sent: list = []
    failures_left = 0

    def __init__(self, host, port, timeout=None):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        if FakeSMTP.failures_left:
            FakeSMTP.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        FakeSMTP.sent.append(message)


@pytest.fixture
def mail(app, monkeypatch):
    FakeSMTP.sent, FakeSMTP.failures_left = [], 0
    monkeypatch.setattr(channels.Mailer, "smtp_class", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.com")
    monkeypatch.setitem(app.config, "PANEL_URL", "https://wuye.example.com")
    return FakeSMTP


@pytest.fixture
def quick_retries(monkeypatch):
    monkeypatch.setattr(reminder_jobs, "RETRY_INTERVALS", [0, 0])


def run_worker(app, queue_name, connection) -> None:
    """What `flask --app wsgi worker --burst` does, scheduler included."""
    with app.app_context():
        SimpleWorker([queue_name], connection=connection).work(burst=True, with_scheduler=True)


def sweep_on_rq(app) -> int:
    with app.app_context():
        return reminder_jobs.sweep_reminders()


def callback_ticket(factories, office, due=D):
    return factories.ticket(
        office.world.a,
        category=TicketCategory.inquiry,
        callback_due_at=due,
        assignee_id=office.receptionist.id,
    )


def with_email(in_app, staff, email="reception@example.com", locale=None):
    with in_app():
        row = db.session.get(Staff, staff.id)
        row.email, row.locale = email, locale
        db.session.commit()


def deliveries(in_app, channel=None):
    with in_app():
        query = select(ReminderDelivery).order_by(ReminderDelivery.id)
        if channel is not None:
            query = query.where(ReminderDelivery.channel == channel)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
    return rows


def emergency_and_callback(factories, office) -> None:
    """An emergency the technician must reach by 09:15 and a callback due at 09:30."""
    factories.work_order(
        office.world.a,
        is_emergency=True,
        status=WorkOrderStatus.dispatched,
        technician_id=office.technician.id,
        arrive_by=datetime(2026, 11, 23, 9, 15),
    )
    callback_ticket(factories, office, due=datetime(2026, 11, 23, 9, 30))


def test_sweep_enqueues_and_a_worker_delivers_exactly_once(
    app, factories, in_app, time_machine, reminder_queue
):
    name, connection = reminder_queue
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    ticket = callback_ticket(factories, office)
    time_machine.move_to(AT_WARNING, tick=False)
    assert sweep_on_rq(app) == 1
    assert inbox(in_app, office.receptionist) == []  # queued, not yet delivered
    run_worker(app, name, connection)
    assert inbox(in_app, office.receptionist) == [("callback", 0, "ticket", ticket.id)]
    assert sweep_on_rq(app) == 0  # nothing left to hand out
    run_worker(app, name, connection)
    assert all_notifications(in_app) == 1


def test_due_within_the_next_interval_is_scheduled_at_its_time_in_utc(
    app, factories, in_app, time_machine, reminder_queue
):
    name, connection = reminder_queue
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    soon = callback_ticket(factories, office)
    late = callback_ticket(factories, office, due=datetime(2026, 11, 23, 14, 0))
    time_machine.move_to(AT_WARNING - timedelta(seconds=30), tick=False)
    # Two due already (the late ticket's warning and escalation), one in 30 seconds: one
    # Redis pipeline enqueues the first two and schedules the third.
    assert sweep_on_rq(app) == 3
    assert len(Queue(name, connection=connection)) == 2
    scheduled = ScheduledJobRegistry(queue=Queue(name, connection=connection))
    [job_id] = scheduled.get_job_ids()
    # 14:50 in Shanghai is 06:50 UTC: rq's scheduler works in UTC.
    assert scheduled.get_scheduled_time(job_id) == datetime(
        2026, 11, 23, 6, 50, tzinfo=clock.to_utc(datetime(2026, 11, 23)).tzinfo
    )
    run_worker(app, name, connection)
    assert inbox(in_app, office.receptionist) == [("callback", 0, "ticket", late.id)]
    time_machine.move_to(AT_WARNING, tick=False)
    run_worker(app, name, connection)
    assert inbox(in_app, office.receptionist) == [
        ("callback", 0, "ticket", late.id),
        ("callback", 0, "ticket", soon.id),
    ]


def ticket_form(office, due: str) -> dict:
    return {
        "estate": office.world.a.id,
        "category": "inquiry",
        "channel": "phone",
        "unit": "",
        "resident": "",
        "reporter_name": "李女士",
        "reporter_phone": "13900001111",
        "location": "",
        "occurred_at": "",
        "description": "询问停车月卡办理流程",
        "request": "",
        "assignee": office.receptionist.id,
        "callback_due_at": due,
        "complaint_code": "",
    }


def test_redis_down_while_records_change_then_delivered_when_it_returns(
    app, factories, login, in_app, time_machine, reminder_queue, monkeypatch
):
    name, connection = reminder_queue
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    real_connection = app_redis.connection
    monkeypatch.setattr(app_redis, "connection", lambda: dead)

    page = login(office.receptionist).post(
        "/admin/ticket/new/", ticket_form(office, "2026-11-23 15:00:00"), follow_redirects=True
    )
    assert page.status_code == 200
    with in_app():
        ticket = db.session.scalars(select(Ticket)).one()
        assert ticket.callback_due_at == D
    time_machine.move_to(AT_WARNING, tick=False)
    with pytest.raises(RedisError):
        sweep_on_rq(app)
    assert reminder_jobs.run_in_process_cycle(app) == 0  # logged, not raised
    with in_app():  # the claim was rolled back: still waiting, nothing lost
        statuses = db.session.scalars(select(Reminder.status).order_by(Reminder.level)).all()
    assert statuses == [ReminderStatus.pending] * 3

    monkeypatch.setattr(app_redis, "connection", real_connection)  # Redis is back
    time_machine.move_to(office_time(2026, 11, 23, 15, 5), tick=False)
    assert sweep_on_rq(app) == 2
    run_worker(app, name, connection)
    assert inbox(in_app, office.receptionist) == [("callback", 0, "ticket", ticket.id)]
    assert inbox(in_app, office.supervisor) == [("callback", 1, "ticket", ticket.id)]


def test_a_job_raising_once_is_retried_and_delivers_once(
    app, factories, in_app, time_machine, reminder_queue, mail, quick_retries
):
    name, connection = reminder_queue
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    with_email(in_app, office.receptionist)
    ticket = callback_ticket(factories, office)
    mail.failures_left = 1
    time_machine.move_to(AT_WARNING, tick=False)
    sweep_on_rq(app)
    run_worker(app, name, connection)
    assert len(mail.sent) == 1
    assert inbox(in_app, office.receptionist) == [("callback", 0, "ticket", ticket.id)]
    [email] = deliveries(in_app, DeliveryChannel.email)
    assert (email.status, email.attempts) == (DeliveryStatus.sent, 2)
    assert FailedJobRegistry(queue=Queue(name, connection=connection)).count == 0
    sweep_on_rq(app)  # a later sweep sends nothing again
    run_worker(app, name, connection)
    assert len(mail.sent) == 1 and all_notifications(in_app) == 1


def test_a_failure_before_the_inbox_commit_is_retried_once(
    app, factories, in_app, time_machine, reminder_queue, quick_retries, monkeypatch
):
    name, connection = reminder_queue
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    ticket = callback_ticket(factories, office)
    real, calls = delivery.recipients, []

    def flaky(reminder):
        calls.append(reminder["id"])
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return real(reminder)

    monkeypatch.setattr(delivery, "recipients", flaky)
    time_machine.move_to(AT_WARNING, tick=False)
    sweep_on_rq(app)
    run_worker(app, name, connection)
    assert len(calls) == 2
    assert inbox(in_app, office.receptionist) == [("callback", 0, "ticket", ticket.id)]


def test_two_sweeps_at_once_hand_out_each_reminder_once(
    app, factories, in_app, time_machine, reminder_queue, monkeypatch
):
    name, connection = reminder_queue
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    for minute in range(5):
        callback_ticket(factories, office, due=D + timedelta(minutes=minute))
    time_machine.move_to(office_time(2026, 11, 23, 15, 30), tick=False)
    monkeypatch.setattr(reminder_jobs, "CHUNK", 4)  # 10 due: several chunks each
    real_enqueue, handed = reminder_jobs.enqueue_deliveries, []
    second: dict = {}

    def second_sweep():
        try:
            second["count"] = sweep_on_rq(app)
        except Exception as error:  # reported below
            second["error"] = error

    def enqueue_while_the_other_sweeps(batch, now):
        handed.extend(batch.reminder_ids)
        if "thread" not in second:  # the first sweep, holding its claim, lets the other run
            second["thread"] = threading.Thread(target=second_sweep)
            second["thread"].start()
            second["thread"].join(timeout=2.0)
            second["finished_meanwhile"] = not second["thread"].is_alive()
        real_enqueue(batch, now)

    monkeypatch.setattr(reminder_jobs, "enqueue_deliveries", enqueue_while_the_other_sweeps)
    first = sweep_on_rq(app)
    second["thread"].join(timeout=20)
    assert "error" not in second, second.get("error")
    assert first + second["count"] == 10  # 5 warnings + 5 supervisor escalations
    assert sorted(handed) == sorted(set(handed)) and len(handed) == 10
    with in_app():
        if db.engine.dialect.name == "postgresql":
            # SKIP LOCKED: the second sweep took the rest without waiting for the first.
            assert second["finished_meanwhile"] and (first, second["count"]) == (4, 6)
    run_worker(app, name, connection)
    assert len(inbox(in_app, office.receptionist)) == 5
    assert len(inbox(in_app, office.supervisor)) == 5


def test_a_job_lost_with_its_worker_is_handed_out_again(
    app, factories, in_app, time_machine, reminder_queue
):
    name, connection = reminder_queue
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    callback_ticket(factories, office)
    time_machine.move_to(AT_WARNING, tick=False)
    sweep_on_rq(app)
    time_machine.move_to(AT_WARNING + timedelta(minutes=1), tick=False)
    assert sweep_on_rq(app) == 0  # its job waits on the queue: nothing to do
    Queue(name, connection=connection).empty()  # the worker died; its job is gone
    time_machine.move_to(AT_WARNING + timedelta(minutes=2), tick=False)
    assert sweep_on_rq(app) == 1  # the next sweep hands it out again …
    time_machine.move_to(AT_WARNING + timedelta(minutes=3), tick=False)
    assert sweep_on_rq(app) == 0  # … once
    run_worker(app, name, connection)
    assert len(inbox(in_app, office.receptionist)) == 1


def test_a_rescued_job_and_a_scheduled_one_share_the_pipeline(
    app, factories, in_app, time_machine, reminder_queue
):
    name, connection = reminder_queue
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    # Valid through 25 November: the receptionist is warned at 08:00 on the 23rd.
    vehicle = factories.vehicle_pass(
        office.world.a, status=PassStatus.approved, valid_until=datetime(2026, 11, 25).date()
    )
    sweep_on_rq(app)
    Queue(name, connection=connection).empty()  # that job was lost
    soon = callback_ticket(factories, office)
    time_machine.move_to(AT_WARNING - timedelta(seconds=30), tick=False)
    # The callback warning (in 30 s, scheduled) comes first, the rescued one after it.
    assert sweep_on_rq(app) == 2
    run_worker(app, name, connection)
    assert inbox(in_app, office.receptionist) == [
        ("vehicle_pass_expiry", 0, "vehicle_pass", vehicle.id)
    ]
    time_machine.move_to(AT_WARNING, tick=False)
    run_worker(app, name, connection)
    assert inbox(in_app, office.receptionist)[-1] == ("callback", 0, "ticket", soon.id)


def test_a_worker_dying_mid_send_never_sends_twice(
    app, factories, in_app, time_machine, reminder_queue, mail
):
    name, connection = reminder_queue
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    with_email(in_app, office.receptionist)
    callback_ticket(factories, office)
    time_machine.move_to(AT_WARNING, tick=False)
    sweep_on_rq(app)
    Queue(name, connection=connection).empty()
    with in_app():  # the job got as far as claiming the e-mail and handing it to SMTP …
        reminder_id = db.session.scalars(select(Reminder.id).where(Reminder.level == 0)).one()
        delivery.publish(reminder_id)
        db.session.commit()
        [email_id] = delivery.waiting_outbound(reminder_id)
        assert delivery.claim_outbound(email_id)
        db.session.commit()
    mail.sent.append("the message that may have left")  # … and died there.
    time_machine.move_to(AT_WARNING + timedelta(minutes=11), tick=False)
    sweep_on_rq(app)
    run_worker(app, name, connection)
    assert len(mail.sent) == 1
    assert len(inbox(in_app, office.receptionist)) == 1
    [email] = deliveries(in_app, DeliveryChannel.email)
    assert email.status is DeliveryStatus.unknown


def test_email_goes_out_in_the_recipients_language_with_the_link(
    app, factories, in_app, time_machine, mail
):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    with_email(in_app, office.receptionist, "wang@example.com")
    with_email(in_app, office.supervisor, "li@example.com", locale="en")
    ticket = callback_ticket(factories, office, due=datetime(2026, 11, 23, 9, 30))
    time_machine.move_to(office_time(2026, 11, 23, 9, 30), tick=False)
    with app.app_context():
        reminder_jobs.sweep_once(inline=True)
    by_address = {m["To"]: m for m in mail.sent}
    with in_app():
        number = db.session.get(Ticket, ticket.id).number
    assert by_address["wang@example.com"]["Subject"].startswith("承诺回电")
    assert number in by_address["wang@example.com"]["Subject"]
    assert by_address["li@example.com"]["Subject"].startswith("Overdue since 2026-11-23 09:30")
    body = by_address["li@example.com"].get_content()
    assert f"https://wuye.example.com/admin/ticket/details/?id={ticket.id}" in body


CJK = re.compile(r"[\u4e00-\u9fff]")
# What a message may carry in Latin letters in any language: its link and the record's number.
NOT_WORDS = re.compile(r"https?://\S+|[A-Z]+-[A-Z0-9]+-\d+")


def english_words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{2,}", NOT_WORDS.sub(" ", text))


def test_email_and_sms_are_wholly_in_the_recipients_language(
    app, factories, in_app, time_machine, mail, caplog
):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    with_email(in_app, office.receptionist, "wang@example.com")  # the office's language
    with_email(in_app, office.supervisor, "li@example.com", locale="en")
    with in_app():
        for person in (office.technician, office.supervisor):
            db.session.get(Staff, person.id).phone = "13812345678"
        db.session.get(Staff, office.technician.id).locale = "zh_Hans_CN"
        db.session.commit()
    emergency_and_callback(factories, office)
    time_machine.move_to(office_time(2026, 11, 23, 9, 31), tick=False)
    with caplog.at_level(logging.INFO, logger=channels.__name__), app.app_context():
        reminder_jobs.sweep_once(inline=True)

    by_address = {m["To"]: m for m in mail.sent}
    chinese = by_address["wang@example.com"]
    chinese_text = f"{chinese['Subject']}\n{chinese.get_content()}"
    assert CJK.search(chinese_text) and english_words(chinese_text) == []
    english = by_address["li@example.com"]
    english_text = f"{english['Subject']}\n{english.get_content()}"
    assert not CJK.search(english_text)

    sms = [r.getMessage().split(": ", 1)[1] for r in caplog.records if "SMS to" in r.getMessage()]
    assert sms, "no SMS sent"
    assert any(CJK.search(text) for text in sms)  # the technician's, in Chinese
    for text in sms:
        assert (CJK.search(text) and english_words(text) == []) or not CJK.search(text), text


def test_without_a_mail_server_no_email_is_tried(app, factories, in_app, time_machine):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    with_email(in_app, office.receptionist)
    callback_ticket(factories, office)
    time_machine.move_to(AT_WARNING, tick=False)
    with app.app_context():
        reminder_jobs.sweep_once(inline=True)
    assert [d.channel for d in deliveries(in_app)] == [DeliveryChannel.inbox]


def test_sms_for_field_staff_and_escalations_through_the_log_provider(
    app, factories, in_app, time_machine, caplog, monkeypatch
):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    with in_app():
        for person in (office.technician, office.supervisor, office.receptionist):
            db.session.get(Staff, person.id).phone = "13812345678"
        db.session.commit()
    emergency_and_callback(factories, office)
    time_machine.move_to(office_time(2026, 11, 23, 9, 25), tick=False)
    with caplog.at_level(logging.INFO, logger=channels.__name__), app.app_context():
        reminder_jobs.sweep_once(inline=True)
    texts = {(d.staff_id, d.status) for d in deliveries(in_app, DeliveryChannel.sms)}
    # The technician's emergency warning and the supervisor's escalation go by SMS; the
    # receptionist's ordinary callback warning stays in the panel.
    assert texts == {
        (office.technician.id, DeliveryStatus.sent),
        (office.supervisor.id, DeliveryStatus.sent),
    }
    assert "138****5678" in caplog.text and "13812345678" not in caplog.text

    monkeypatch.setitem(app.config, "SMS_PROVIDER", "none")
    callback_ticket(factories, office, due=datetime(2026, 11, 23, 9, 30))
    with app.app_context():
        reminder_jobs.sweep_once(inline=True)
    assert len(deliveries(in_app, DeliveryChannel.sms)) == 2


def test_a_mail_server_that_stays_down_is_recorded_for_supervisors(
    app, factories, login, in_app, time_machine, reminder_queue, mail, quick_retries
):
    name, connection = reminder_queue
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    with_email(in_app, office.receptionist)
    callback_ticket(factories, office)
    mail.failures_left = 99
    time_machine.move_to(AT_WARNING, tick=False)
    sweep_on_rq(app)
    run_worker(app, name, connection)
    [email] = deliveries(in_app, DeliveryChannel.email)
    assert (email.status, email.attempts) == (DeliveryStatus.failed, delivery.MAX_ATTEMPTS)
    assert "SMTPServerDisconnected" in email.last_error
    assert inbox(in_app, office.receptionist) != []  # the inbox still has it
    page = login(office.supervisor).get("/admin/reminder_delivery/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "SMTPServerDisconnected" in html and "reception@example.com" in html
    assert login(office.receptionist).get("/admin/reminder_delivery/").status_code == 403


def test_rq_cron_config_runs_the_sweep_which_delivers(
    app, factories, in_app, time_machine, reminder_queue
):
    name, connection = reminder_queue
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    callback_ticket(factories, office)
    time_machine.move_to(AT_WARNING, tick=False)
    cron = CronScheduler(connection=connection)
    cron.load_config_from_file("admin_app.cron")
    jobs = {job.func_name.rsplit(".", 1)[-1]: job for job in cron.get_jobs()}
    sweep_job = jobs["sweep_reminders"]
    assert (sweep_job.queue_name, sweep_job.interval) == (name, 60)
    assert jobs["expire_lapsed_passes"].interval == 3600  # pass housekeeping rides along
    cron.enqueue_jobs()
    run_worker(app, name, connection)  # the sweep job, then the delivery it enqueued
    assert len(inbox(in_app, office.receptionist)) == 1


def test_scheduler_command_needs_redis(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    result = app.test_cli_runner().invoke(args=["scheduler"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output


def test_sweep_command_delivers_in_embedded_mode(app, factories, in_app, time_machine):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    callback_ticket(factories, office)
    time_machine.move_to(AT_WARNING, tick=False)
    app.config["REDIS_URL"], saved = None, app.config["REDIS_URL"]
    try:
        result = app.test_cli_runner().invoke(args=["reminders", "sweep"])
    finally:
        app.config["REDIS_URL"] = saved
    assert result.exit_code == 0 and "handed out 1" in result.output
    assert len(inbox(in_app, office.receptionist)) == 1


def test_embedded_sweep_starts_with_the_first_request_only(app, monkeypatch):
    from admin_app import create_app

    started = []
    monkeypatch.setattr(reminder_jobs, "_started", threading.Event())
    monkeypatch.setattr(reminder_jobs, "_sweep_forever", lambda a: started.append(a))
    embedded = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": None,
            "REMINDERS_IN_PROCESS": True,
        }
    )
    time.sleep(0.05)
    assert started == []  # building the app (CLI commands do) starts nothing
    client = embedded.test_client()
    client.get("/healthz")
    client.get("/healthz")
    deadline = time.monotonic() + 5
    while not started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert started == [embedded]
