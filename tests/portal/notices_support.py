"""What the residents' notice tests share: an estate that texts its households, a household
with a phone, a technician, and a text-message provider that keeps what it was given."""

from __future__ import annotations

from dataclasses import dataclass, field

from admin_app.extensions import db
from admin_app.models import Estate, NoticeEvent, Role, Trade, WorkOrderKind
from admin_app.resident_notices import settings
from admin_app.services.reminders import channels

PHONE = "13912345678"


@dataclass
class Outbox:
    """The test provider: every text handed to it, and failures on demand."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    failures: int = 0

    def provider(self):
        outbox = self

        class Provider:
            def send(self, phone: str, text: str) -> None:
                if outbox.failures:
                    outbox.failures -= 1
                    raise ConnectionError("provider down")
                outbox.sent.append((phone, text))

        return Provider


def use_test_provider(app, monkeypatch) -> Outbox:
    outbox = Outbox()
    monkeypatch.setitem(channels.SMS_PROVIDERS, "notices-test", outbox.provider())
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "notices-test")
    # The tests send at the moments they choose (the sweep), as for reminders.
    monkeypatch.setitem(app.config, "RESIDENT_NOTICES_AT_ONCE", False)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://wuye.example")
    return outbox


def make_home(factories, in_app):
    """Estate A texts about every event; its household 1-101 has a phone."""
    w = factories.two_estates()
    w.desk = factories.staff(Role.receptionist, estates=[w.a])
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing], name="王师傅")
    w.resident = factories.resident(w.unit_a, name="陈业主", phone=PHONE)
    w.order = factories.work_order(
        w.a,
        unit_id=w.unit_a.id,
        resident_id=w.resident.id,
        contact_phone=PHONE,
        kind=WorkOrderKind.home_repair_free,
        trade=Trade.plumbing,
        number="WO-TEST-1",
    )
    with in_app():
        settings.set_estate_events(db.session.get(Estate, w.a.id), None, list(NoticeEvent))
        db.session.commit()
    return w
