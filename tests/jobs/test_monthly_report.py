"""The monthly reception report: to each estate's director and supervisors, once each, with a
workbook that opens and carries the estate's figures."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
import time_machine
from openpyxl import load_workbook

from admin_app import clock
from admin_app.extensions import db
from admin_app.jobs.monthly_report import send_monthly_reports
from admin_app.models import Channel, Role, Staff, TicketCategory, TicketStatus
from admin_app.services.reminders import channels


class Outbox:
    sent: list = []

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, *args):
        pass

    def send_message(self, message):
        Outbox.sent.append(message)


@pytest.fixture
def outbox(app, monkeypatch):
    Outbox.sent = []
    monkeypatch.setattr(channels.Mailer, "smtp_class", Outbox)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.com")
    return Outbox


@pytest.fixture
def office(factories, in_app):
    w = factories.two_estates()
    people = {
        "director@a": factories.staff(Role.director, estates=[w.a]),
        "sup@a": factories.staff(Role.supervisor, estates=[w.a]),
        "sup@b": factories.staff(Role.supervisor, estates=[w.b]),
        "boss@all": factories.staff(Role.director, all_estates=True),
        "desk@a": factories.staff(Role.receptionist, estates=[w.a]),
        "gone@a": factories.staff(Role.supervisor, estates=[w.a], active=False),
    }
    factories.staff(Role.supervisor, estates=[w.a])  # no address: nothing to send to
    with in_app():
        for address, person in people.items():
            db.session.get(Staff, person.id).email = address.replace("@", "@example.") + ".com"
        db.session.get(Staff, people["sup@b"].id).locale = "zh_Hans_CN"
        db.session.get(Staff, people["director@a"].id).locale = "en"
        db.session.commit()
    # November in estate A: an inquiry answered at once and a help request; B: one inquiry.
    factories.ticket(
        w.a,
        category=TicketCategory.inquiry,
        channel=Channel.phone,
        status=TicketStatus.closed,
        received_at=datetime(2026, 11, 2, 9),
        resolved_at=datetime(2026, 11, 2, 10),
    )
    factories.ticket(
        w.a,
        category=TicketCategory.help,
        channel=Channel.visit,
        received_at=datetime(2026, 11, 9, 9),
    )
    factories.ticket(w.b, category=TicketCategory.inquiry, received_at=datetime(2026, 11, 3, 9))
    return w


def recipients(outbox):
    """(address, the estate the subject names) for each e-mail sent."""
    return sorted(
        (m["To"], "甲小区" if "甲小区" in m["Subject"] else "乙小区") for m in outbox.sent
    )


def test_each_estates_report_goes_to_its_director_and_supervisors(app, outbox, office):
    with app.app_context():
        assert send_monthly_reports("2026-11") == 5
    # Not the desk, not the inactive supervisor, not the one without an address.
    assert recipients(outbox) == [
        ("boss@example.all.com", "乙小区"),
        ("boss@example.all.com", "甲小区"),
        ("director@example.a.com", "甲小区"),
        ("sup@example.a.com", "甲小区"),
        ("sup@example.b.com", "乙小区"),
    ]
    assert all("2026-11" in m["Subject"] for m in outbox.sent)


def test_the_attachment_is_a_readable_workbook_of_the_estates_figures(app, outbox, office):
    with app.app_context():
        send_monthly_reports("2026-11")
    message = next(m for m in outbox.sent if m["To"] == "director@example.a.com")
    assert "Contacts: 2" in message.get_body(("plain",)).get_content()
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "reception-AA-2026-11.xlsx"
    book = load_workbook(io.BytesIO(attachment.get_content()))
    rows = list(book["Per estate and month"].values)
    assert rows[1][:5] == ("2026-11", "甲小区", 2, 1, 1)  # contacts, inquiries, at once


def test_on_the_first_it_reports_the_month_before(app, outbox, office):
    moment = datetime(2026, 12, 1, 9, 0).replace(tzinfo=clock.office_zone())
    with time_machine.travel(moment, tick=False), app.app_context():
        send_monthly_reports()
    assert outbox.sent and all("2026-11" in m["Subject"] for m in outbox.sent)


def test_nothing_is_sent_without_a_mail_server(app, outbox, office, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    with app.app_context():
        assert send_monthly_reports("2026-11") == 0
    assert outbox.sent == []
