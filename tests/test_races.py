"""Every state change sent twice — two tabs, a double tap on a phone — ends in one transition,
one history entry and one set of reminders, and the second request hears who went first.

"at once": two threads released together by a barrier, each with its own client (so its own
request, session and connection), with the step slowed just before it takes its record so
that both have passed every check on the old state before either writes (PostgreSQL: row
locks decide). "one after the other": the second submit of the same page once the first is
done, on both databases.
"""

from __future__ import annotations

import base64
import html
import io
import os
import re
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    BatchRun,
    ReleasePass,
    Reminder,
    ReminderStatus,
    Renovation,
    RenovationStatus,
    Resident,
    Role,
    Trade,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.models import PassStatus as P
from admin_app.panel.actions import batches
from admin_app.passes import gate
from admin_app.residents import operations as resident_import
from admin_app.services import workflow

from .import_files import csv_bytes, row

S = WorkOrderStatus
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 80
SIGNATURE = "data:image/png;base64," + base64.b64encode(PNG).decode()
AT_ONCE = pytest.param(
    "at once",
    marks=pytest.mark.skipif(
        not os.environ.get("DATABASE_URL"),
        reason="two transactions at once on one record: PostgreSQL (SQLite has one writer)",
    ),
)
WAYS = [AT_ONCE, "one after the other"]


def TOMORROW() -> str:  # noqa: N802 - reads as the constant it stands for
    return (clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT15:00")


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.reception = factories.staff(Role.receptionist, estates=[w.a], name="前台小王")
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a], name="主管老李")
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing], name="师傅张")
    w.guard = factories.staff(Role.guard, estates=[w.a], name="门岗甲")
    return w


def form_of(client, url: str) -> dict:
    """The hidden fields of the page's form as the browser would send them back."""
    html = client.get(url).get_data(as_text=True)
    fields = dict(
        re.findall(
            r'<input[^>]*type="hidden"[^>]*name="(csrf_token|seen)"[^>]*value="([^"]*)"', html
        )
    )
    fields.update(
        re.findall(
            r'<input[^>]*name="(csrf_token|seen)"[^>]*type="hidden"[^>]*value="([^"]*)"', html
        )
    )
    assert "csrf_token" in fields and "seen" in fields, html[:500]
    return fields


def slowed(monkeypatch, module, name: str, way: str, seconds: float = 0.4) -> None:
    """At once: the step waits a moment just before it takes its record, so that the other
    request has passed every check on the old state too."""
    if way != "at once":
        return
    original = getattr(module, name)

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)


def twice(way: str, first, second) -> list:
    """Both submits' final pages (redirects followed), in the order given."""
    if way != "at once":
        return [first(), second()]
    barrier = threading.Barrier(2, timeout=30)
    pages = [None, None]

    def send(i, call):
        barrier.wait()
        pages[i] = call()

    threads = [threading.Thread(target=send, args=(i, c)) for i, c in enumerate((first, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return pages


def one_done_one_told(pages, done: str, told: str) -> None:
    """One page says the step was done; the other one says who went first (and neither is
    an error page)."""
    assert all(p is not None and p.status_code == 200 for p in pages), pages
    said = [words(p) for p in pages]
    assert sum(done in s for s in said) == 1, said
    assert sum(told in s for s in said) == 1, said
    assert not any(done in s and told in s for s in said), said


def words(page) -> str:
    """What the page says, as read (tags dropped, entities read)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.get_data(as_text=True))).split())


def history(in_app, record, action: str) -> int:
    with in_app():
        return (
            db.session.query(AuditRecord)
            .filter_by(entity_type=type(record).__tablename__, entity_id=record.id, action=action)
            .count()
        )


def reminder_sets(in_app, record) -> Counter:
    """How many live reminders of each kind the record has (one set: every count is 1)."""
    with in_app():
        rows = (
            db.session.query(Reminder.rule, Reminder.level, Reminder.recipient_id)
            .filter(
                Reminder.entity_type == type(record).__tablename__,
                Reminder.entity_id == record.id,
                Reminder.status != ReminderStatus.cancelled,
            )
            .all()
        )
    return Counter(tuple(r) for r in rows)


# ---- dispatch, revisit and approve: the confirmation page --------------------------------------
@pytest.mark.parametrize("way", WAYS)
def test_dispatch_sent_twice_dispatches_once(way, factories, login, world, in_app, monkeypatch):
    order = factories.work_order(world.a, status=S.new, trade=Trade.plumbing)
    desks = [login(world.reception), login(world.supervisor)]
    url = f"/admin/work_order/act/dispatch/?ids={order.id}"
    forms = [form_of(c, url) for c in desks]
    chosen = {"technician": world.tech.id, "appointment_at": TOMORROW()}
    slowed(monkeypatch, workflow, "lock", way)
    pages = twice(
        way,
        *(
            lambda c=c, f=f: c.post(url, {**chosen, **f}, follow_redirects=True)
            for c, f in zip(desks, forms, strict=True)
        ),
    )
    one_done_one_told(pages, "Dispatch: done.", "“Dispatch” was already done by ")
    said = " ".join(words(p) for p in pages)
    assert re.search(r"already done by (前台小王|主管老李) at \d\d:\d\d\.", said)
    assert history(in_app, order, "dispatch") == 1
    sets = reminder_sets(in_app, order)
    assert sets and set(sets.values()) == {1}, sets
    with in_app():
        assert db.session.get(WorkOrder, order.id).status is S.dispatched


@pytest.mark.parametrize("way", WAYS)
def test_revisit_sent_twice_is_recorded_once(way, factories, login, world, in_app, monkeypatch):
    order = factories.work_order(
        world.a, status=S.closed, trade=Trade.plumbing, technician_id=world.tech.id
    )
    tabs = [login(world.reception), login(world.reception)]
    url = f"/admin/work_order/act/revisit/?id={order.id}"
    forms = [form_of(c, url) for c in tabs]
    answers = {
        "rating_timeliness": "5",
        "rating_quality": "4",
        "rating_fee": "5",
        "rating_attitude": "5",
        "satisfaction": "satisfied",
        "comment": "满意",
    }
    slowed(monkeypatch, workflow, "lock", way)
    pages = twice(
        way,
        *(
            lambda c=c, f=f: c.post(url, {**answers, **f}, follow_redirects=True)
            for c, f in zip(tabs, forms, strict=True)
        ),
    )
    one_done_one_told(
        pages, "Mark revisited: done.", "“Mark revisited” was already done by 前台小王 at "
    )
    assert history(in_app, order, "revisit") == 1
    assert set(reminder_sets(in_app, order).values()) <= {1}


@pytest.mark.parametrize("way", WAYS)
def test_a_permit_approved_twice_is_issued_once(way, factories, login, world, in_app, monkeypatch):
    renovation = factories.renovation(world.a, world.unit_a, status=RenovationStatus.applied)
    tabs = [login(world.supervisor), login(world.supervisor)]
    url = f"/admin/renovation/act/issue_permit/?ids={renovation.id}"
    forms = [form_of(c, url) for c in tabs]
    permit = {
        "valid_until": (clock.today() + timedelta(days=20)).isoformat(),
        "agreement_signed": "y",
        "deposit_received": "y",
    }
    slowed(monkeypatch, workflow, "lock", way)
    pages = twice(
        way,
        *(
            lambda c=c, f=f: c.post(url, {**permit, **f}, follow_redirects=True)
            for c, f in zip(tabs, forms, strict=True)
        ),
    )
    one_done_one_told(
        pages, "Issue the permit: done.", "“Issue the permit” was already done by 主管老李 at "
    )
    assert history(in_app, renovation, "issue_permit") == 1
    assert set(reminder_sets(in_app, renovation).values()) <= {1}
    with in_app():
        assert db.session.get(Renovation, renovation.id).status is RenovationStatus.permitted


# ---- close with signature: the technician's phone ---------------------------------------------
@pytest.mark.parametrize("way", WAYS)
def test_a_signature_sent_twice_closes_once(way, factories, login, world, in_app, monkeypatch):
    order = factories.work_order(
        world.a, status=S.done, trade=Trade.plumbing, technician_id=world.tech.id
    )
    taps = [login(world.tech), login(world.tech)]
    url = f"/tech/act/close/{order.id}"
    forms = [form_of(c, url) for c in taps]
    signed = {"signer_name": "王先生", "fee": "30", "payment": "cash", "signature": SIGNATURE}
    slowed(monkeypatch, workflow, "lock", way)
    pages = twice(
        way,
        *(
            lambda c=c, f=f: c.post(url, {**signed, **f}, follow_redirects=True)
            for c, f in zip(taps, forms, strict=True)
        ),
    )
    one_done_one_told(
        pages,
        "Close with signature: done.",
        "“Close with signature” was already done by 师傅张 at ",
    )
    assert history(in_app, order, "close") == 1
    assert set(reminder_sets(in_app, order).values()) <= {1}
    with in_app():
        assert db.session.get(WorkOrder, order.id).status is S.closed


# ---- gate release: the guard's phone ----------------------------------------------------------
@pytest.mark.parametrize("way", WAYS)
def test_a_release_let_out_twice_is_let_out_once(
    way, app, factories, login, world, in_app, monkeypatch
):
    today = clock.today()
    release = factories.release_pass(
        world.a,
        world.unit_a,
        status=P.approved,
        moving_date=today,
        valid_from=today,
        valid_until=today,
        items="冰箱一台",
    )
    with app.app_context():
        code = gate.token_for(db.session.get(ReleasePass, release.id))
    taps = [login(world.guard), login(world.guard)]
    checked = taps[0].post("/gate/", {"code": code})
    check_id = int(re.search(r"check=(\d+)", checked.headers["Location"]).group(1))
    forms = [form_of(c, f"/gate/?check={check_id}") for c in taps]
    url = f"/gate/release/{check_id}"
    slowed(monkeypatch, workflow, "lock", way)
    pages = twice(
        way,
        *(
            lambda c=c, f=f: c.post(url, f, follow_redirects=True)
            for c, f in zip(taps, forms, strict=True)
        ),
    )
    one_done_one_told(
        pages, f"{release.number}: let out.", "“Let out at the gate” was already done by 门岗甲 at "
    )
    assert history(in_app, release, "release") == 1
    with in_app():
        assert db.session.get(ReleasePass, release.id).status is P.released


# ---- import confirm and batch confirm -----------------------------------------------------------
@pytest.mark.parametrize("way", WAYS)
def test_an_import_confirmed_twice_imports_once(way, factories, login, world, in_app, monkeypatch):
    tabs = [login(world.reception), login(world.reception)]
    data = csv_bytes([row(room="101", name="新住户", phone="13900000077")])
    uploaded = tabs[0].post(
        "/admin/resident_import/",
        {"estate": world.a.id, "file": (io.BytesIO(data), "residents.csv")},
        content_type="multipart/form-data",
    )
    batch_path = uploaded.headers["Location"]
    tokens = [c.csrf_token() for c in tabs]
    slowed(monkeypatch, resident_import, "confirm", way)
    pages = twice(
        way,
        *(
            lambda c=c, t=t: c.post(
                f"{batch_path}confirm/", {"csrf_token": t}, follow_redirects=True
            )
            for c, t in zip(tabs, tokens, strict=True)
        ),
    )
    texts = [p.get_data(as_text=True) for p in pages]
    assert all(p.status_code == 200 for p in pages)
    assert any("Imported on" in t for t in texts)  # (the other may show it still running)
    told = [t for t in texts if "This import was already confirmed by 前台小王 at " in t]
    assert len(told) == 1
    with in_app():
        assert db.session.query(Resident).filter_by(phone="13900000077").count() == 1
        imported = db.session.query(Resident).filter_by(phone="13900000077").one()
        # The import's one history line for what it created, written once.
        created = (
            db.session.query(AuditRecord)
            .filter_by(entity_type="import_batch", entity_id=imported.import_batch_id)
            .count()
        )
    assert imported.import_batch_id is not None and created == 1


@pytest.mark.parametrize("way", WAYS)
def test_a_batch_confirmed_twice_runs_once(way, factories, login, world, in_app, monkeypatch):
    orders = [factories.work_order(world.a, status=S.new, trade=Trade.plumbing) for _ in range(2)]
    tabs = [login(world.supervisor), login(world.supervisor)]
    url = f"/admin/work_order/act/dispatch/?ids={orders[0].id},{orders[1].id}"
    forms = [form_of(c, url) for c in tabs]
    chosen = {"technician": world.tech.id, "appointment_at": TOMORROW()}
    slowed(monkeypatch, batches, "started_since", way)
    pages = twice(
        way,
        *(
            lambda c=c, f=f: c.post(url, {**chosen, **f}, follow_redirects=True)
            for c, f in zip(tabs, forms, strict=True)
        ),
    )
    assert all(p.status_code == 200 for p in pages)
    said = [words(p) for p in pages]
    assert sum("This batch was already started by 主管老李 at " in s for s in said) == 1, said
    with in_app():
        assert db.session.query(BatchRun).count() == 1
    for order in orders:
        assert history(in_app, order, "dispatch") == 1
        assert set(reminder_sets(in_app, order).values()) == {1}
