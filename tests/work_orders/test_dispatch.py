"""Dispatch that suggests itself: the technicians ranked for an order (trade, estate, open
workload, or in turn where the estate takes turns), one click to dispatch to one, and the
estate's automatic dispatch for chosen trades through the same verb."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    Estate,
    Reminder,
    Role,
    Staff,
    Ticket,
    TicketCategory,
    Trade,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.tickets import operations as tickets
from admin_app.work_orders import dispatching
from admin_app.work_orders import operations as work_orders
from admin_app.work_orders.dispatching import Candidate, ranked

S = WorkOrderStatus
P, E = Trade.plumbing, Trade.electrical


@pytest.fixture
def crew(factories):
    """Estate A with three plumbers (one already busy), an electrician, a plumber of estate B,
    a disabled plumber; a receptionist of A."""
    w = factories.two_estates()
    w.busy = factories.staff(Role.technician, estates=[w.a], trades=[P], name="甲忙")
    w.free = factories.staff(Role.technician, estates=[w.a], trades=[P, E], name="乙闲")
    w.third = factories.staff(Role.technician, estates=[w.a], trades=[P], name="丙")
    w.spark = factories.staff(Role.technician, estates=[w.a], trades=[E], name="电工")
    w.other = factories.staff(Role.technician, estates=[w.b], trades=[P], name="乙区水工")
    w.gone = factories.staff(Role.technician, estates=[w.a], trades=[P], name="离职", active=False)
    w.desk = factories.staff(Role.receptionist, estates=[w.a])
    for _ in range(2):
        factories.work_order(w.a, status=S.dispatched, technician_id=w.busy.id, trade=P)
    factories.work_order(w.a, status=S.in_progress, technician_id=w.third.id, trade=P)
    factories.work_order(w.a, status=S.closed, technician_id=w.free.id, trade=P)  # not open
    return w


def ranking_names(order_id) -> list[str]:
    return [c.name for c in dispatching.ranking(db.session.get(WorkOrder, order_id))]


def test_the_ranking_holds_the_estates_active_technicians_of_the_trade_least_busy_first(
    crew, factories, in_app
):
    plumbing = factories.work_order(crew.a, trade=P)
    electrical = factories.work_order(crew.a, trade=E)
    with in_app():
        assert ranking_names(plumbing.id) == ["乙闲", "丙", "甲忙"]
        assert ranking_names(electrical.id) == ["乙闲", "电工"]  # same load: by name
        loads = [c.open_orders for c in dispatching.ranking(db.session.get(WorkOrder, plumbing.id))]
        assert loads == [0, 1, 2]


def _set_estate(estate_id, **settings):
    estate = db.session.get(Estate, estate_id)
    for key, value in settings.items():
        setattr(estate, key, value)
    db.session.commit()


def _dispatch_to_first(order_id, desk_id) -> str:
    order = db.session.get(WorkOrder, order_id)
    best = dispatching.ranking(order)[0].technician
    work_orders.dispatch(
        order, db.session.get(Staff, desk_id), technician=best, appointment_at=clock.now()
    )
    db.session.commit()
    return best.name


def test_with_turns_on_the_estates_plumbers_get_successive_orders_in_turn(crew, factories, in_app):
    orders = [factories.work_order(crew.a, trade=P) for _ in range(6)]
    with in_app():
        _set_estate(crew.a.id, dispatch_round_robin=True)
        picked = [_dispatch_to_first(o.id, crew.desk.id) for o in orders]
    # By account order, whatever their load: each in turn, then round again.
    assert picked == ["甲忙", "乙闲", "丙"] * 2


def test_with_turns_off_the_least_busy_gets_each_next_order(crew, factories, in_app):
    orders = [factories.work_order(crew.a, trade=P) for _ in range(6)]
    with in_app():
        picked = [_dispatch_to_first(o.id, crew.desk.id) for o in orders]
    # 乙闲 0 → 1, then 乙闲 and 丙 tie at 1 (name order: 丙 sorts after 乙), …
    loads = {"甲忙": 2, "乙闲": 0, "丙": 1}
    for name in picked:
        assert loads[name] == min(loads.values())
        loads[name] += 1
    assert sorted(loads.values()) == [3, 3, 3]


people = st.lists(
    st.builds(
        Candidate,
        id=st.integers(1, 60),
        name=st.sampled_from(["张", "李", "王", "赵", "Anna", "Bo"]),
        open_orders=st.integers(0, 9),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda c: c.id,
)


@given(people=people, last=st.none() | st.integers(0, 70), round_robin=st.booleans())
def test_the_ranking_is_everyone_once_and_the_first_is_the_least_busy_or_next_in_turn(
    people, last, round_robin
):
    order = ranked(people, round_robin=round_robin, last=last)
    assert sorted(c.id for c in order) == sorted(c.id for c in people)
    if not round_robin:
        assert order[0].open_orders == min(c.open_orders for c in people)
        keys = [(c.open_orders, c.name, c.id) for c in order]
        assert keys == sorted(keys)
    else:
        after = sorted(c.id for c in people if last is None or c.id > last)
        assert order[0].id == (after[0] if after else min(c.id for c in people))


@given(people=people, rounds=st.integers(1, 4))
def test_in_turn_every_technician_gets_one_order_per_round(people, rounds):
    last, picked = None, []
    for _ in range(rounds * len(people)):
        last = ranked(people, round_robin=True, last=last)[0].id
        picked.append(last)
    assert all(picked.count(c.id) == rounds for c in people)
    # from nobody's turn: the ring in account order, round after round
    assert picked[: len(people)] == sorted(c.id for c in people)


def test_the_dispatch_screen_shows_the_ranking_and_one_click_dispatches_to_a_row(
    crew, factories, login, in_app
):
    order = factories.work_order(crew.a, trade=P, is_emergency=True)
    desk = login(crew.desk)
    url = f"/admin/work_order/act/dispatch/?id={order.id}"
    page = desk.get(url).get_data(as_text=True)
    rows = page.split('id="dispatch-ranking"')[1]
    assert rows.index("乙闲") < rows.index("丙") < rows.index("甲忙")
    assert "乙区水工" not in page and "离职" not in page and "电工" not in rows
    response = desk.post(url, {"ids": order.id, "pick": crew.third.id, "technician": ""})
    assert response.status_code == 302
    with in_app():
        found = db.session.get(WorkOrder, order.id)
        assert (found.status, found.technician_id) == (S.dispatched, crew.third.id)
        told = db.session.query(Reminder).filter_by(rule="handoff_dispatched").one()
        assert told.recipient_id == crew.third.id


def test_a_pick_outside_the_ranking_is_refused_and_nothing_is_dispatched(
    crew, factories, login, in_app
):
    order = factories.work_order(crew.a, trade=P, is_emergency=True)
    response = login(crew.desk).post(
        f"/admin/work_order/act/dispatch/?id={order.id}", {"ids": order.id, "pick": crew.other.id}
    )
    assert response.status_code == 200
    with in_app():
        assert db.session.get(WorkOrder, order.id).status is S.new


def _repair_call(estate_id, desk_id, trade, emergency=True) -> WorkOrder:
    ticket = Ticket(
        estate_id=estate_id,
        category=TicketCategory.repair,
        description="漏水",
        received_at=clock.now(),
        received_by_id=desk_id,
    )
    db.session.add(ticket)
    order = tickets.take_call(
        ticket,
        db.session.get(Staff, desk_id),
        work_order={"trade": trade, "is_emergency": emergency},
    )
    db.session.commit()
    return order


@pytest.mark.parametrize(
    ("chosen", "trade", "emergency", "expected"),
    [
        ({"plumbing"}, P, True, "乙闲"),  # on for the trade: the first-ranked, at once
        ({"plumbing"}, E, True, None),  # another trade: stays for the desk
        (set(), P, True, None),  # automatic dispatch off
        ({"plumbing"}, P, False, None),  # no agreed appointment yet: the desk agrees one
    ],
)
def test_an_estate_dispatches_new_orders_of_its_chosen_trades_automatically(
    crew, in_app, chosen, trade, emergency, expected
):
    with in_app():
        _set_estate(crew.a.id, auto_dispatch=chosen)
        order = _repair_call(crew.a.id, crew.desk.id, trade, emergency)
        found = db.session.get(WorkOrder, order.id)
        if expected is None:
            assert (found.status, found.technician_id) == (S.new, None)
            assert db.session.query(Reminder).filter_by(rule="handoff_dispatched").count() == 0
        else:
            assert found.status is S.dispatched and found.technician.name == expected
            assert found.arrive_by == found.dispatched_at + timedelta(minutes=15)
            told = db.session.query(Reminder).filter_by(rule="handoff_dispatched").one()
            assert told.recipient_id == found.technician_id


def test_an_order_created_on_the_work_order_form_is_dispatched_automatically_too(
    crew, login, in_app
):
    with in_app():
        _set_estate(crew.a.id, auto_dispatch={"electrical"}, dispatch_round_robin=True)
    response = login(crew.desk).post(
        "/admin/work_order/new/",
        {
            "estate": crew.a.id,
            "kind": "public_repair",
            "trade": "electrical",
            "is_emergency": "y",
            "description": "楼道灯不亮",
        },
    )
    assert response.status_code == 302
    with in_app():
        order = db.session.query(WorkOrder).filter_by(description="楼道灯不亮").one()
        assert order.status is S.dispatched and order.technician_id == crew.free.id


def test_the_estate_form_keeps_the_trades_dispatched_automatically(factories, login, in_app):
    admin = factories.staff(Role.admin, all_estates=True)
    estate = factories.estate(code="ZZ", name="丙小区")
    page = login(admin).get(f"/admin/estate/edit/?id={estate.id}").get_data(as_text=True)
    assert 'name="auto_dispatch"' in page and 'name="dispatch_round_robin"' in page
    response = login(admin).post(
        f"/admin/estate/edit/?id={estate.id}",
        {
            "code": "ZZ",
            "name": "丙小区",
            "address": "路",
            "auto_dispatch": ["plumbing", "locks"],
            "dispatch_round_robin": "y",
        },
    )
    assert response.status_code == 302
    with in_app():
        found = db.session.get(Estate, estate.id)
        assert found.auto_dispatch == {"plumbing", "locks"} and found.dispatch_round_robin


def test_nobody_of_the_trade_in_the_estate_leaves_the_order_for_the_desk(factories, in_app):
    w = SimpleNamespace(estate=factories.estate())
    desk = factories.staff(Role.receptionist, estates=[w.estate])
    with in_app():
        _set_estate(w.estate.id, auto_dispatch={"locks"})
        order = _repair_call(w.estate.id, desk.id, Trade.locks)
        assert db.session.get(WorkOrder, order.id).status is S.new
