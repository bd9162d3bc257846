"""Work orders waiting for a technician (state 新建: a resident's online report, a call saved
without dispatching, an order handed back) are a card of their own for whoever may dispatch:
emergencies first, then the oldest, red when an emergency waits."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from admin_app.models import Role, WorkOrderStatus

S = WorkOrderStatus
THEN = datetime(2026, 11, 23, 8, 0)


def card_of(home: str) -> str | None:
    found = re.search(r'<div class="[^"]*" id="queue-orders_to_dispatch">.*?</ul>', home, re.S)
    return found.group(0) if found else None


@pytest.fixture
def waiting(factories):
    w = factories.two_estates()
    w.desk = factories.staff(Role.receptionist, estates=[w.a], name="前台甲")
    w.oldest = factories.work_order(w.a, status=S.new, created_at=THEN).id
    w.newer = factories.work_order(w.a, status=S.new, created_at=THEN + timedelta(hours=2)).id
    # Not waiting, or another estate's:
    factories.work_order(w.a, status=S.dispatched, created_at=THEN)
    factories.work_order(w.b, status=S.new, created_at=THEN)
    return w


def test_the_desk_sees_the_orders_waiting_for_a_technician_and_their_list(waiting, login):
    c = login(waiting.desk, lang="zh-CN")
    card = card_of(c.get("/admin/").get_data(as_text=True))
    assert card is not None and "待派工" in card
    assert re.search(r"queue-count[^>]*>(\d+)", card).group(1) == "2"
    assert [int(i) for i in re.findall(r"details/\?id=(\d+)", card)] == [
        waiting.oldest,
        waiting.newer,
    ]
    assert "border-danger" not in card  # nothing pressing among them
    listing = c.get("/admin/work_order/?flt0_queue=orders_to_dispatch").get_data(as_text=True)
    assert {int(i) for i in re.findall(r"details/\?id=(\d+)&", listing)} == {
        waiting.oldest,
        waiting.newer,
    }


def test_an_emergency_waiting_comes_first_and_turns_the_card_red(waiting, factories, login):
    leak = factories.work_order(
        waiting.a, status=S.new, is_emergency=True, created_at=THEN + timedelta(hours=5)
    ).id
    card = card_of(login(waiting.desk, lang="zh-CN").get("/admin/").get_data(as_text=True))
    assert [int(i) for i in re.findall(r"details/\?id=(\d+)", card)] == [
        leak,
        waiting.oldest,
        waiting.newer,
    ]
    assert "border-danger" in card and card.count("紧急") == 1


@pytest.mark.parametrize("role", [Role.technician, Role.guard])
def test_who_may_not_dispatch_has_no_such_card(waiting, factories, login, role):
    someone = factories.staff(role, estates=[waiting.a])
    assert card_of(login(someone).get("/admin/").get_data(as_text=True)) is None


def emergency_card(home: str) -> list[int] | None:
    found = re.search(r'id="queue-emergencies">.*?</ul>', home, re.S)
    return [int(i) for i in re.findall(r"details/\?id=(\d+)", found.group(0))] if found else None


def test_an_emergency_waiting_is_on_one_card_and_moves_on_when_dispatched(
    waiting, factories, login, in_app
):
    from admin_app.extensions import db
    from admin_app.models import WorkOrder

    leak = factories.work_order(waiting.a, status=S.new, is_emergency=True, created_at=THEN).id
    taken = factories.work_order(waiting.a, status=S.arrived, is_emergency=True).id
    desk = login(waiting.desk)
    home = desk.get("/admin/").get_data(as_text=True)
    assert leak in [int(i) for i in re.findall(r"details/\?id=(\d+)", card_of(home))]
    assert emergency_card(home) == [taken]
    listing = desk.get("/admin/work_order/?flt0_queue=emergencies").get_data(as_text=True)
    assert {int(i) for i in re.findall(r"details/\?id=(\d+)&", listing)} == {taken}

    with in_app():
        db.session.get(WorkOrder, leak).status = S.dispatched
        db.session.commit()
    home = desk.get("/admin/").get_data(as_text=True)
    assert leak not in [int(i) for i in re.findall(r"details/\?id=(\d+)", card_of(home))]
    assert sorted(emergency_card(home)) == sorted([leak, taken])
