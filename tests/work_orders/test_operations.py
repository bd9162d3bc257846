"""Work-order states, enforced by the service for every caller."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    Role,
    Satisfaction,
    StoredFile,
    Ticket,
    TicketCategory,
    TicketStatus,
    Trade,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.services import calendar
from admin_app.services.errors import ServiceError
from admin_app.tickets import operations as tickets
from admin_app.work_orders import operations as work_orders

S = WorkOrderStatus
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # what the signature pad sends, as far as storage checks

# The expected rules, written out independently of the service's table.
ALLOWED_FROM = {
    "dispatch": {S.new, S.dispatched},
    "cancel": {S.new, S.dispatched, S.arrived, S.quoted, S.in_progress, S.next_visit},
    "arrive": {S.dispatched},
    "quote": {S.arrived},
    "accept_quote": {S.quoted},
    "decline_quote": {S.quoted},
    "book_next_visit": {S.in_progress},
    "resume": {S.next_visit},
    "finish": {S.in_progress},
    "rework": {S.done},
    "close": {S.done},
    "revisit": {S.closed},
}
TARGET = {
    "dispatch": S.dispatched,
    "cancel": S.cancelled,
    "arrive": S.arrived,
    "quote": S.quoted,
    "accept_quote": S.in_progress,
    "decline_quote": S.declined,
    "book_next_visit": S.next_visit,
    "resume": S.in_progress,
    "finish": S.done,
    "rework": S.in_progress,
    "close": S.closed,
    "revisit": S.revisited,
}
RATINGS = {"rating_timeliness": 5, "rating_quality": 4, "rating_fee": 4, "rating_attitude": 5}


def call(name: str, order, actor, technician=None):
    later = clock.now() + timedelta(hours=3)
    verbs = {
        "dispatch": lambda: work_orders.dispatch(
            order, actor, technician=technician, appointment_at=later
        ),
        "cancel": lambda: work_orders.cancel(order, actor, reason="住户取消"),
        "arrive": lambda: work_orders.arrive(order, actor),
        "quote": lambda: work_orders.quote(
            order,
            actor,
            lines=[
                work_orders.LineInput(
                    quantity=Decimal("1"),
                    labour=Decimal("50"),
                    materials=Decimal("20"),
                    description="更换阀门",
                    reason="价目表未列",
                )
            ],
        ),
        "accept_quote": lambda: work_orders.accept_quote(order, actor),
        "decline_quote": lambda: work_orders.decline_quote(order, actor),
        "book_next_visit": lambda: work_orders.book_next_visit(
            order, actor, next_visit_at=later, notes="缺配件"
        ),
        "resume": lambda: work_orders.resume(order, actor),
        "finish": lambda: work_orders.finish(order, actor, notes="已修好"),
        "rework": lambda: work_orders.rework(order, actor, notes="还在滴水"),
        "close": lambda: work_orders.close_with_signature(
            order, actor, signer_name="张三", signature_png=PNG, fee=Decimal("70"), method="cash"
        ),
        "revisit": lambda: work_orders.mark_revisited(
            order, actor, ratings=RATINGS, satisfaction=Satisfaction.satisfied
        ),
    }
    return verbs[name]()


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing], name="张师傅")
    return w


def snapshot(order: WorkOrder) -> dict:
    return {c.key: getattr(order, c.key) for c in WorkOrder.__mapper__.column_attrs}


@pytest.mark.parametrize("name", sorted(ALLOWED_FROM))
@pytest.mark.parametrize("state", list(S))
def test_transition_table(factories, in_app, world, name, state):
    order = factories.work_order(
        world.a, status=state, technician_id=world.tech.id, trade=Trade.plumbing
    )
    with in_app():
        record = db.session.get(WorkOrder, order.id)
        actor = db.session.get(type(world.supervisor), world.supervisor.id)
        technician = db.session.get(type(world.tech), world.tech.id)
        before = snapshot(record)
        history_before = db.session.query(AuditRecord).count()
        if state in ALLOWED_FROM[name]:
            call(name, record, actor, technician)
            db.session.commit()
            assert db.session.get(WorkOrder, order.id).status is TARGET[name]
            assert (
                db.session.query(AuditRecord)
                .filter_by(action=name, entity_type="work_order", entity_id=order.id)
                .count()
                == 1
            )
        else:
            with pytest.raises(ServiceError) as refused:
                call(name, record, actor, technician)
            db.session.rollback()
            assert "not possible now" in str(refused.value)
            assert snapshot(db.session.get(WorkOrder, order.id)) == before
            assert db.session.query(AuditRecord).count() == history_before


def run(in_app, verb, order_id, actor_id, **kwargs):
    with in_app():
        from admin_app.models import Staff

        order = db.session.get(WorkOrder, order_id)
        actor = db.session.get(Staff, actor_id)
        try:
            result = verb(order, actor, **kwargs)
            db.session.commit()
            return result.id if hasattr(result, "id") else result
        except Exception:
            db.session.rollback()
            raise


def test_emergency_must_be_reached_within_15_minutes(factories, in_app, world):
    order = factories.work_order(world.a, is_emergency=True, trade=Trade.plumbing)
    moment = datetime(2026, 11, 23, 22, 30)
    with time_machine.travel(moment.replace(tzinfo=clock.office_zone()), tick=False), in_app():
        from admin_app.models import Staff

        record = db.session.get(WorkOrder, order.id)
        work_orders.dispatch(
            record,
            db.session.get(Staff, world.supervisor.id),
            technician=db.session.get(Staff, world.tech.id),
        )
        db.session.commit()
        record = db.session.get(WorkOrder, order.id)
        assert record.arrive_by == moment + timedelta(minutes=15)
        assert record.appointment_at is None


def test_ordinary_order_needs_an_appointment(factories, in_app, world):
    order = factories.work_order(world.a, trade=Trade.plumbing)
    with pytest.raises(ServiceError, match="appointment"):
        run(
            in_app,
            lambda o, a: work_orders.dispatch(o, a, technician=_staff(world.tech.id)),
            order.id,
            world.supervisor.id,
        )


def _staff(staff_id):
    from admin_app.models import Staff

    return db.session.get(Staff, staff_id)


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("guard", "technicians only"),
        ("other_estate_tech", "does not work in this estate"),
        ("electrician", "does not do"),
        ("disabled_tech", "disabled"),
    ],
)
def test_dispatch_refuses_the_wrong_person(factories, in_app, world, who, message):
    people = {
        "guard": lambda: factories.staff(Role.guard, estates=[world.a]),
        "other_estate_tech": lambda: factories.staff(
            Role.technician, estates=[world.b], trades=[Trade.plumbing]
        ),
        "electrician": lambda: factories.staff(
            Role.technician, estates=[world.a], trades=[Trade.electrical]
        ),
        "disabled_tech": lambda: factories.staff(
            Role.technician, estates=[world.a], trades=[Trade.plumbing], active=False
        ),
    }
    person = people[who]()
    order = factories.work_order(world.a, trade=Trade.plumbing)
    later = clock.now() + timedelta(hours=2)
    with pytest.raises(ServiceError, match=message):
        run(
            in_app,
            lambda o, a: work_orders.dispatch(
                o, a, technician=_staff(person.id), appointment_at=later
            ),
            order.id,
            world.supervisor.id,
        )
    with in_app():
        assert db.session.get(WorkOrder, order.id).status is S.new


def test_redispatch_keeps_history(factories, in_app, world):
    other = factories.staff(
        Role.technician, estates=[world.a], trades=[Trade.plumbing], name="李师傅"
    )
    order = factories.work_order(world.a, trade=Trade.plumbing)
    later = clock.now() + timedelta(hours=2)
    for tech in (world.tech, other):
        run(
            in_app,
            lambda o, a, t=tech: work_orders.dispatch(
                o, a, technician=_staff(t.id), appointment_at=later
            ),
            order.id,
            world.supervisor.id,
        )
    with in_app():
        rows = (
            db.session.query(AuditRecord)
            .filter_by(entity_type="work_order", entity_id=order.id, action="dispatch")
            .order_by(AuditRecord.id)
            .all()
        )
        assert [r.changes["technician_id"][1] for r in rows] == [world.tech.id, other.id]
        assert rows[1].changes["technician_id"][0] == world.tech.id


def test_technician_acts_only_on_his_own_orders(factories, in_app, world):
    other = factories.staff(Role.technician, estates=[world.a], trades=[Trade.plumbing])
    order = factories.work_order(world.a, status=S.dispatched, technician_id=world.tech.id)
    with pytest.raises(ServiceError, match="not yours"):
        run(in_app, work_orders.arrive, order.id, other.id)
    run(in_app, work_orders.arrive, order.id, world.tech.id)
    with in_app():
        assert db.session.get(WorkOrder, order.id).status is S.arrived


def test_receptionist_cannot_do_the_technicians_steps(factories, in_app, world):
    reception = factories.staff(Role.receptionist, estates=[world.a])
    order = factories.work_order(world.a, status=S.dispatched, technician_id=world.tech.id)
    with pytest.raises(ServiceError, match="role"):
        run(in_app, work_orders.arrive, order.id, reception.id)


def test_close_stores_the_signature_in_the_database(factories, in_app, world):
    order = factories.work_order(world.a, status=S.done, technician_id=world.tech.id)
    run(
        in_app,
        lambda o, a: work_orders.close_with_signature(
            o, a, signer_name="王女士", signature_png=PNG, fee=Decimal("85.50"), method="wechat"
        ),
        order.id,
        world.tech.id,
    )
    with in_app():
        record = db.session.get(WorkOrder, order.id)
        stored = db.session.get(StoredFile, record.signature_file_id)
        assert stored.data == PNG and stored.content_type == "image/png"
        assert record.signer_name == "王女士" and record.fee_collected == Decimal("85.50")
        assert record.revisit_due_at.date() == calendar.add_working_days(
            record.estate_id, record.closed_at.date(), 1
        )


@pytest.mark.parametrize(
    ("signature", "fee", "message"),
    [
        (b"", Decimal("1"), "not signed"),
        (b"GIF89a....", Decimal("1"), "PNG"),
        (PNG, None, "fee"),
        (PNG, Decimal("-1"), "negative"),
    ],
)
def test_close_refuses_bad_input(factories, in_app, world, signature, fee, message):
    order = factories.work_order(world.a, status=S.done, technician_id=world.tech.id)
    with pytest.raises(ServiceError, match=message):
        run(
            in_app,
            lambda o, a: work_orders.close_with_signature(
                o, a, signer_name="王女士", signature_png=signature, fee=fee, method="cash"
            ),
            order.id,
            world.tech.id,
        )
    with in_app():
        assert db.session.get(WorkOrder, order.id).status is S.done
        assert db.session.query(StoredFile).count() == 0


def test_unsatisfied_revisit_opens_a_followup_for_the_supervisor(factories, in_app, world):
    reception = factories.staff(Role.receptionist, estates=[world.a])
    order = factories.work_order(
        world.a, status=S.closed, technician_id=world.tech.id, contact_name="王女士"
    )
    run(
        in_app,
        lambda o, a: work_orders.mark_revisited(
            o,
            a,
            ratings={**RATINGS, "rating_quality": 1},
            satisfaction=Satisfaction.unsatisfied,
            comment="还在漏水",
        ),
        order.id,
        reception.id,
    )
    with in_app():
        record = db.session.get(WorkOrder, order.id)
        followup = db.session.get(Ticket, record.followup_ticket_id)
        assert followup.category is TicketCategory.complaint
        assert followup.assignee_id == world.supervisor.id
        assert "还在漏水" in followup.description and record.number in followup.description
        assert record.status is S.revisited and record.rating_quality == 1


def test_satisfied_revisit_opens_nothing(factories, in_app, world):
    order = factories.work_order(world.a, status=S.closed, technician_id=world.tech.id)
    run(
        in_app,
        lambda o, a: work_orders.mark_revisited(
            o, a, ratings=RATINGS, satisfaction=Satisfaction.satisfied
        ),
        order.id,
        world.supervisor.id,
    )
    with in_app():
        assert db.session.get(WorkOrder, order.id).followup_ticket_id is None
        assert db.session.query(Ticket).count() == 0


@pytest.mark.parametrize("bad", [{"rating_fee": 0}, {"rating_fee": 6}, {"rating_fee": None}])
def test_revisit_ratings_are_1_to_5(factories, in_app, world, bad):
    order = factories.work_order(world.a, status=S.closed)
    with pytest.raises(ServiceError, match="1 to 5"):
        run(
            in_app,
            lambda o, a: work_orders.mark_revisited(
                o, a, ratings={**RATINGS, **bad}, satisfaction=Satisfaction.satisfied
            ),
            order.id,
            world.supervisor.id,
        )


def test_create_from_ticket_carries_everything_over(factories, in_app, world):
    ticket = factories.ticket(
        world.a,
        category=TicketCategory.repair,
        unit_id=world.unit_a.id,
        resident_id=world.resident_a.id,
        reporter_name="甲住户",
        reporter_phone="13800000001",
        location="厨房",
        description="水管爆裂",
    )
    with in_app():
        from admin_app.models import Staff

        t = db.session.get(Ticket, ticket.id)
        order = tickets.create_from_ticket(
            t, db.session.get(Staff, world.supervisor.id), is_emergency=True
        )
        db.session.commit()
        order_id = order.id
        order = db.session.get(WorkOrder, order_id)
        assert (order.estate_id, order.unit_id, order.resident_id) == (
            world.a.id,
            world.unit_a.id,
            world.resident_a.id,
        )
        assert (order.contact_name, order.contact_phone, order.location, order.description) == (
            "甲住户",
            "13800000001",
            "厨房",
            "水管爆裂",
        )
        assert order.ticket_id == ticket.id and order.is_emergency and order.number
        assert db.session.get(Ticket, ticket.id).status.value == "in_progress"


def test_only_repair_tickets_become_work_orders(factories, in_app, world):
    ticket = factories.ticket(world.a, category=TicketCategory.inquiry)
    with in_app():
        from admin_app.models import Staff

        with pytest.raises(ServiceError, match="does not apply"):
            tickets.create_from_ticket(
                db.session.get(Ticket, ticket.id), db.session.get(Staff, world.supervisor.id)
            )
        db.session.rollback()
        assert db.session.query(WorkOrder).count() == 0


def test_rework_needs_what_the_resident_found_and_keeps_the_notes(factories, in_app, world):
    order = factories.work_order(
        world.a, status=S.in_progress, technician_id=world.tech.id, trade=Trade.plumbing
    )
    run(in_app, work_orders.finish, order.id, world.tech.id, notes="更换阀门")
    with pytest.raises(ServiceError, match="not done"):
        run(in_app, work_orders.rework, order.id, world.tech.id, notes="  ")
    run(in_app, work_orders.rework, order.id, world.tech.id, notes="阀门仍在滴水")
    with in_app():
        record = db.session.get(WorkOrder, order.id)
        assert record.status is S.in_progress and record.work_done_at is None
        assert record.signature_file_id is None
        assert record.work_notes.splitlines()[0].endswith("更换阀门")
        assert record.work_notes.splitlines()[1].endswith("阀门仍在滴水")


def test_a_quote_the_resident_declines_ends_the_order_and_its_call_follows(
    factories, in_app, world
):
    ticket = factories.ticket(world.a, status=TicketStatus.in_progress)
    order = factories.work_order(
        world.a,
        ticket_id=ticket.id,
        status=S.quoted,
        technician_id=world.tech.id,
        trade=Trade.plumbing,
        number="WO-9",
    )
    run(in_app, work_orders.decline_quote, order.id, world.tech.id)
    with in_app():
        call = db.session.get(Ticket, ticket.id)
        assert call.status is TicketStatus.resolved and "WO-9" in call.result
