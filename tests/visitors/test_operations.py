"""Visitors and parcels, by their verbs: a visitor in and out, a parcel signed for only after
the resident's phone confirmation, handed over only against a signature, the reminder for a
parcel not collected, the purge of old records, and who may do what in which estate."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    Parcel,
    ParcelStatus,
    Role,
    Staff,
    StoredFile,
    Unit,
    Visitor,
    VisitPoint,
)
from admin_app.retention import jobs as retention
from admin_app.services.errors import ServiceError
from admin_app.visitors import operations as ops

from ..reminders_support import inbox, office_time, staff_office, sweep_here, waiting

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def office(factories, two_estates):
    """Estate A with a receptionist and a guard; estate B with its own receptionist."""
    return type(
        "Office",
        (),
        {
            "world": two_estates,
            "desk": factories.staff(Role.receptionist, estates=[two_estates.a]),
            "guard": factories.staff(Role.guard, estates=[two_estates.a]),
            "desk_b": factories.staff(Role.receptionist, estates=[two_estates.b]),
            "technician": factories.staff(Role.technician, estates=[two_estates.a]),
        },
    )


def let_in(actor, unit, **fields):
    fields.setdefault("name", "李访客")
    fields.setdefault("phone", "139 1234 5678")
    return ops.register_visitor(
        db.session.get(Staff, actor.id),
        estate_id=unit.estate_id,
        unit=db.session.get(Unit, unit.id),
        **fields,
    )


def receive(actor, unit, **fields):
    fields.setdefault("recipient_name", "周业主")
    fields.setdefault("description", "冰箱一台")
    fields.setdefault("confirmed_by", "周业主")
    fields.setdefault("confirmed_at", clock.now() - timedelta(minutes=10))
    return ops.receive_parcel(
        db.session.get(Staff, actor.id),
        estate_id=unit.estate_id,
        unit=db.session.get(Unit, unit.id),
        **fields,
    )


# ---- visitors -----------------------------------------------------------------------------
def test_a_visitor_comes_in_and_goes_out_once(in_app, office):
    with in_app():
        visitor = let_in(office.guard, office.world.unit_a, plate="粤b 12345", host_name="甲住户")
        db.session.commit()
        assert visitor.phone == "13912345678"
        assert visitor.plate == "粤B12345"
        assert visitor.point is VisitPoint.gate
        assert visitor.in_by_id == office.guard.id
        assert [v.id for v in ops.still_inside(office.world.a.id)] == [visitor.id]

        ops.sign_out(visitor, db.session.get(Staff, office.desk.id))
        db.session.commit()
        assert visitor.out_at is not None and visitor.out_by_id == office.desk.id
        assert ops.still_inside(office.world.a.id).all() == []
        actions = {r.action for r in db.session.query(AuditRecord).filter_by(entity_id=visitor.id)}
        assert {"visitor_in", "visitor_out"} <= actions

        # A second tap (two guards, a double tap) is told when he left; nothing changes.
        left_at = visitor.out_at
        with pytest.raises(ServiceError, match="already left"):
            ops.sign_out(visitor, db.session.get(Staff, office.guard.id))
        assert visitor.out_at == left_at


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  "}, "Enter the visitor's name."),
        ({"phone": ""}, "Enter the visitor's phone number."),
        ({"phone": "12345"}, "is not a phone number"),
        ({"plate": "ABC"}, "is not a plate number"),
    ],
)
def test_a_visitor_with_bad_details_is_refused_and_nothing_is_written(
    in_app, office, fields, message
):
    with in_app():
        with pytest.raises(ServiceError, match=message):
            let_in(office.desk, office.world.unit_a, **fields)
        db.session.rollback()
        assert count(Visitor) == 0


def test_the_unit_must_be_in_the_estate(in_app, office):
    with in_app(), pytest.raises(ServiceError, match="not in this estate"):
        ops.register_visitor(
            db.session.get(Staff, office.desk.id),
            estate_id=office.world.a.id,
            unit=db.session.get(Unit, office.world.unit_b.id),
            name="李访客",
            phone="13912345678",
        )


def test_only_desk_and_gate_staff_of_the_estate_register_and_sign_out(in_app, office, factories):
    inside_b = factories.visitor(office.world.b, office.world.unit_b)
    with in_app():
        with pytest.raises(ServiceError, match="Your role may not do this"):
            let_in(office.technician, office.world.unit_a)
        # Estate B's receptionist cannot write into estate A, nor A's let B's visitor out.
        with pytest.raises(ServiceError, match="not yours"):
            let_in(office.desk_b, office.world.unit_a)
        with pytest.raises(ServiceError, match="not yours"):
            ops.sign_out(
                db.session.get(Visitor, inside_b.id), db.session.get(Staff, office.desk.id)
            )
        with pytest.raises(ServiceError, match="not yours"):
            receive(office.desk_b, office.world.unit_a)
        db.session.rollback()
        assert count(Visitor) == 1 and count(Parcel) == 0


# ---- parcels ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "missing", [{"confirmed_by": ""}, {"confirmed_by": "  "}, {"confirmed_at": None}]
)
def test_a_parcel_is_refused_without_the_residents_phone_confirmation(in_app, office, missing):
    with in_app():
        with pytest.raises(ServiceError, match="Call the resident first"):
            receive(office.desk, office.world.unit_a, **missing)
        db.session.rollback()
        assert count(Parcel) == 0


def test_a_confirmation_in_the_future_is_refused(in_app, office):
    with in_app(), pytest.raises(ServiceError, match="future"):
        receive(office.desk, office.world.unit_a, confirmed_at=clock.now() + timedelta(hours=2))


def test_a_parcel_signed_for_keeps_who_confirmed_and_when(app, in_app, office, monkeypatch):
    monkeypatch.setitem(app.config, "PARCEL_COLLECT_DAYS", 5)
    called = clock.now().replace(microsecond=0) - timedelta(minutes=20)
    with in_app():
        parcel = receive(office.guard, office.world.unit_a, confirmed_at=called, carrier="顺丰")
        db.session.commit()
        assert parcel.number.startswith("AA-DS")
        assert (parcel.confirmed_by, parcel.confirmed_at) == ("周业主", called)
        assert parcel.status is ParcelStatus.waiting
        assert parcel.collect_due_at == parcel.received_at + timedelta(days=5)
        assert [p.id for p in ops.waiting_parcels(office.world.a.id)] == [parcel.id]


def test_the_hand_over_needs_a_name_and_a_signature_and_happens_once(in_app, office):
    with in_app():
        parcel = receive(office.desk, office.world.unit_a)
        db.session.commit()
        desk = db.session.get(Staff, office.desk.id)
        with pytest.raises(ServiceError, match="has not signed"):
            ops.hand_over(parcel, desk, collected_by="周业主", signature_png=b"")
        with pytest.raises(ServiceError, match="name of the person"):
            ops.hand_over(parcel, desk, collected_by=" ", signature_png=PNG)
        db.session.rollback()
        assert parcel.status is ParcelStatus.waiting and count(StoredFile) == 0

        ops.hand_over(parcel, desk, collected_by="周太太", signature_png=PNG)
        db.session.commit()
        assert parcel.status is ParcelStatus.handed_over
        assert parcel.collected_by == "周太太" and parcel.handed_over_by_id == desk.id
        assert db.session.get(StoredFile, parcel.signature_file_id).content_type == "image/png"
        assert ops.waiting_parcels(office.world.a.id).all() == []
        with pytest.raises(ServiceError, match="already handed over to 周太太"):
            ops.hand_over(parcel, desk, collected_by="别人", signature_png=PNG)


# ---- the reminder ---------------------------------------------------------------------------
NOW = office_time(2026, 11, 23, 9, 0)  # a Monday morning


def test_a_parcel_not_collected_reminds_whoever_signed_then_the_supervisor(
    app, factories, in_app, time_machine
):
    """Signed for Monday 09:00, collect within 3 days: Thursday 09:00 the receptionist who
    signed is told; two days later the supervisor; estate B never hears of it."""
    time_machine.move_to(NOW, tick=False)
    people = staff_office(factories)
    with in_app():
        parcel = receive(people.receptionist, people.world.unit_a)
        db.session.commit()
        parcel_id = parcel.id
    due = datetime(2026, 11, 26, 9, 0)
    expected = ("parcel_uncollected", 0, "parcel", parcel_id)

    time_machine.move_to(office_time(*due.timetuple()[:6]) - timedelta(minutes=1), tick=False)
    sweep_here(app)
    assert inbox(in_app, people.receptionist, handoffs=False) == []
    time_machine.move_to(office_time(*due.timetuple()[:6]), tick=False)
    sweep_here(app)
    assert inbox(in_app, people.receptionist, handoffs=False) == [expected]
    time_machine.move_to(office_time(2026, 11, 28, 9, 0), tick=False)
    sweep_here(app)
    assert inbox(in_app, people.supervisor, handoffs=False) == [
        ("parcel_uncollected", 1, "parcel", parcel_id)
    ]
    for person in (people.receptionist_b, people.supervisor_b, people.guard_b):
        assert inbox(in_app, person) == []


def test_a_parcel_handed_over_in_time_reminds_nobody(app, factories, in_app, time_machine):
    time_machine.move_to(NOW, tick=False)
    people = staff_office(factories)
    with in_app():
        parcel = receive(people.receptionist, people.world.unit_a)
        db.session.commit()
        assert waiting(in_app, "parcel", parcel.id)
        ops.hand_over(
            parcel, db.session.get(Staff, people.guard.id), collected_by="周业主", signature_png=PNG
        )
        db.session.commit()
        parcel_id = parcel.id
    assert waiting(in_app, "parcel", parcel_id) == []
    time_machine.move_to(office_time(2026, 12, 5, 9, 0), tick=False)
    sweep_here(app)
    assert inbox(in_app, people.receptionist, handoffs=False) == []


# ---- retention ------------------------------------------------------------------------------
def test_old_visitors_and_collected_parcels_are_purged_waiting_parcels_stay(
    app, factories, in_app, two_estates, monkeypatch
):
    monkeypatch.setitem(app.config, "RETENTION_VISITOR_DAYS", 30)
    monkeypatch.setitem(app.config, "RETENTION_PARCEL_DAYS", 90)
    ago = lambda days: clock.now() - timedelta(days=days)  # noqa: E731
    estate, unit = two_estates.a, two_estates.unit_a
    old = factories.visitor(estate, unit, in_at=ago(31), out_at=ago(31))
    forgotten_inside = factories.visitor(estate, unit, in_at=ago(45))  # never signed out
    recent = factories.visitor(estate, unit, in_at=ago(29))
    collected_long_ago = factories.parcel(
        estate, unit, status=ParcelStatus.handed_over, handed_over_at=ago(91)
    )
    collected_lately = factories.parcel(
        estate, unit, status=ParcelStatus.handed_over, handed_over_at=ago(10)
    )
    still_waiting = factories.parcel(estate, unit, received_at=ago(200))
    with in_app():
        counts = retention.run()
        assert (counts["visitors"], counts["parcels"]) == (2, 1)
        assert {v.id for v in db.session.query(Visitor)} == {recent.id}
        assert {p.id for p in db.session.query(Parcel)} == {collected_lately.id, still_waiting.id}
        assert db.session.get(Visitor, old.id) is None
        assert db.session.get(Visitor, forgotten_inside.id) is None
        assert db.session.get(Parcel, collected_long_ago.id) is None


def test_zero_days_keeps_the_register_for_ever(app, factories, in_app, two_estates, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_VISITOR_DAYS", 0)
    factories.visitor(two_estates.a, in_at=clock.now() - timedelta(days=5000))
    with in_app():
        assert retention.run()["visitors"] == 0
        assert count(Visitor) == 1
