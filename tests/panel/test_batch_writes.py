"""A batch chunk is written set-based (services/batch_write.py), yet leaves exactly what the
same step on one record leaves: the same history, the same reminders and hand-offs, monthly
counts equal to a recount — and a refused record untouched."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    BatchRun,
    Notification,
    Reminder,
    Role,
    Satisfaction,
    Trade,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.services import history
from admin_app.work_orders import operations as work_orders
from tests.services.test_statistics_rollups import _fix, _kept_and_recounted

S = WorkOrderStatus
NOON = datetime(2026, 3, 10, 12, 0)
FILTER = "scope=filter&flt0_status_equals=new&flt1_trade_equals=plumbing"


@pytest.fixture
def frozen():
    # One instant for both paths: the dispatch time is part of the history and the hand-off.
    with time_machine.travel(NOON.replace(tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def pairs(factories, frozen):
    """Orders in pairs of twins (an appointment and an emergency): one of each pair
    dispatched on its own, the other by the batch."""
    w = factories.two_estates()
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing])
    twins = []
    for emergency in (False, True):
        # The single one first, out of the filter's trade until its turn.
        single = factories.work_order(
            w.a, status=S.new, trade=Trade.electrical, is_emergency=emergency
        )
        batched = factories.work_order(
            w.a, status=S.new, trade=Trade.plumbing, is_emergency=emergency
        )
        twins.append((single, batched))
    w.twins = twins
    return w


def _dispatch_alone(in_app, world, order_id, appointment):
    with in_app():
        order = db.session.get(WorkOrder, order_id)
        order.trade = Trade.plumbing
        db.session.commit()  # its own change: not part of the comparison
        actor = db.session.get(type(world.supervisor), world.supervisor.id)
        tech = db.session.get(type(world.tech), world.tech.id)
        with history.action("dispatch", actor=actor):
            work_orders.dispatch(order, actor, technician=tech, appointment_at=appointment)
        db.session.commit()


def _dispatch_by_batch(login, world, appointment):
    form = {"technician": world.tech.id, "appointment_at": f"{appointment:%Y-%m-%dT%H:%M}"}
    response = login(world.supervisor).post(f"/admin/work_order/act/dispatch/?{FILTER}", form)
    assert response.status_code == 302


def _history(order_id):
    return [
        (r.action, r.actor_id, r.entity_type, r.estate_id, r.changes, r.at)
        for r in db.session.query(AuditRecord)
        .filter_by(entity_type="work_order", entity_id=order_id)
        .order_by(AuditRecord.id)
        if r.action == "dispatch"
    ]


def _reminders(order_id):
    rows = db.session.query(Reminder).filter_by(entity_type="work_order", entity_id=order_id)
    return sorted(
        (
            r.rule,
            r.level,
            r.recipient_id,
            r.recipient_role,
            r.deadline_at,
            r.due_at,
            r.status.value,
            _without_id(r.dedupe_key),
        )
        for r in rows
    )


def _without_id(key: str) -> str:
    """The dedupe key with the record's id left out ("handoff:work_order:<id>:…" or
    "rule:<id>:level:…")."""
    parts = key.split(":")
    parts[2 if parts[0] == "handoff" else 1] = "<id>"
    return ":".join(parts)


def _inbox(order_id):
    return sorted(
        (n.staff_id, n.title.replace(n.link, ""))
        for n in db.session.query(Notification).join(Reminder)
        if n.reminder.entity_id == order_id
    )


def test_a_batch_writes_what_a_single_dispatch_writes(login, pairs, in_app):
    appointment = NOON + timedelta(hours=4)
    for single, _ in pairs.twins:
        _dispatch_alone(in_app, pairs, single.id, appointment)
    _dispatch_by_batch(login, pairs, appointment)
    with in_app():
        assert db.session.query(BatchRun).one().done == 2
        for single, batched in pairs.twins:
            alone, chunk = (db.session.get(WorkOrder, o.id) for o in (single, batched))
            assert (chunk.status, chunk.technician_id) == (S.dispatched, pairs.tech.id)
            assert (chunk.appointment_at, chunk.arrive_by) == (
                alone.appointment_at,
                alone.arrive_by,
            )
            assert _history(batched.id) == _history(single.id) != []
            assert _reminders(batched.id) == _reminders(single.id) != []
            assert len(_inbox(batched.id)) == len(_inbox(single.id)) == 1
            assert chunk.updated_at == alone.updated_at == NOON


def test_kept_counts_equal_a_recount_after_a_batch(login, factories, in_app, frozen):
    """A dispatch moves an order's revisit to its new technician in the counts."""
    w = factories.two_estates()
    supervisor = factories.staff(Role.supervisor, estates=[w.a])
    tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing])
    for day in range(3):
        factories.work_order(
            w.a,
            status=S.new,
            trade=Trade.plumbing,
            created_at=datetime(2026, 2, 1 + day, 9),
            revisited_at=datetime(2026, 2, 5 + day, 9),
            satisfaction=Satisfaction.satisfied,
            rating_quality=4,
        )
    form = {
        "technician": tech.id,
        "appointment_at": f"{NOON + timedelta(hours=4):%Y-%m-%dT%H:%M}",
    }
    login(supervisor).post(f"/admin/work_order/act/dispatch/?{FILTER}", form)
    with in_app():
        assert db.session.query(WorkOrder).filter_by(technician_id=tech.id).count() == 3
        found = _kept_and_recounted([w.a.id, w.b.id])
        (kc, fc), (kr, fr), (kreception, freception), (kclosed, fclosed), (ktrade, ftrade) = found
        revisits = Counter({_fix(g): n for g, n in kr.items()})
        assert revisits == Counter({_fix(g): n for g, n in fr.items()})
        assert {g.technician_id for g in revisits} == {tech.id}  # moved, not doubled
        assert (kc, kclosed, ktrade, kreception) == (fc, fclosed, ftrade, freception)


def test_a_refused_order_in_a_chunk_keeps_its_values_and_gets_no_history(
    login, pairs, in_app, monkeypatch
):
    refuse = pairs.twins[1][1].id
    real_check = work_orders._check_technician

    def check(order, technician):
        if order.id == refuse:
            order.appointment_at = clock.now()  # changed before refusing: must not stay
            raise work_orders.ServiceError("不在服务范围")
        real_check(order, technician)

    monkeypatch.setattr(work_orders, "_check_technician", check)
    with in_app():
        waiting = _reminders(refuse)  # an emergency waiting for dispatch has its chain
    _dispatch_by_batch(login, pairs, NOON + timedelta(hours=4))
    with in_app():
        refused = db.session.get(WorkOrder, refuse)
        assert (refused.status, refused.appointment_at, refused.technician_id) == (
            S.new,
            None,
            None,
        )
        assert _history(refuse) == [] and _reminders(refuse) == waiting
        assert db.session.get(WorkOrder, pairs.twins[0][1].id).status is S.dispatched


def test_a_batch_sends_as_many_statements_for_six_orders_as_for_two(login, factories, frozen):
    """The batch's checks and writes are per chunk, not per record: the estate's text settings,
    the reminders' watched columns and the hand-offs are read or written once for them all."""
    from sqlalchemy import event

    w = factories.two_estates()
    supervisor = login(factories.staff(Role.supervisor, estates=[w.a]))
    tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing])
    later = f"{clock.now() + timedelta(days=1):%Y-%m-%dT%H:%M}"
    unit = factories.unit(w.a)  # a household's order: its estate's texts are asked about
    with factories.app.app_context():
        engine = db.engine

    def statements_for(orders: int) -> list[str]:
        new = [
            factories.work_order(w.a, unit_id=unit.id, status=S.new, trade=Trade.plumbing)
            for _ in range(orders)
        ]
        sent = []

        def record(conn, cursor, statement, *_):
            sent.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            form = {"technician": tech.id, "appointment_at": later}
            response = supervisor.post(f"/admin/work_order/act/dispatch/?{FILTER}", form)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert response.status_code == 302
        with factories.app.app_context():
            done = db.session.query(WorkOrder).filter(WorkOrder.id.in_([o.id for o in new]))
            assert {order.status for order in done} == {S.dispatched}
        return sent

    def kinds(statements):  # the statements with their lists of values folded
        return Counter(re.sub(r"\([?%s, ]*\)(, \([?%s, ]*\))*", "(…)", s)[:120] for s in statements)

    two, six = statements_for(2), statements_for(6)
    # Every write the same; the reads as many. (Which reads: the technician told at the end
    # is either still in the session, his estates and trades then loaded lazily, or collected
    # by the garbage collector and loaded afresh with them — as many statements either way.)
    writes = [kinds(s for s in run if not s.lstrip().startswith("SELECT")) for run in (two, six)]
    assert writes[1] == writes[0], (writes[1] - writes[0]) + (writes[0] - writes[1])
    assert len(six) == len(two), (kinds(six) - kinds(two)) + (kinds(two) - kinds(six))
