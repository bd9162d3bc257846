"""A repair call and its work order, as the front desk sees them: the call's page lists its
order with the order's next step, no second order is made while one is open, and the call is
handled once its last order ends (signed, cancelled)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    Role,
    Satisfaction,
    Staff,
    Ticket,
    TicketStatus,
    Trade,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.services.errors import ServiceError
from admin_app.tickets import front_desk
from admin_app.tickets import operations as tickets
from admin_app.work_orders import operations as work_orders

S, T = WorkOrderStatus, TicketStatus
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # what the signature pad sends


@pytest.fixture
def desk(factories, login):
    w = factories.two_estates()
    w.reception = factories.staff(Role.receptionist, estates=[w.a], name="王前台")
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing], name="张师傅")
    w.zh = login(w.reception, lang="zh-CN")
    return w


def log_repair_call(desk) -> int:
    """The call page's repair form, saved with "Save" (not "Save and dispatch")."""
    response = desk.zh.post(
        f"/admin/ticket/new/?category=repair&resident={desk.resident_a.id}",
        {
            "estate": str(desk.a.id),
            "channel": "phone",
            "resident": str(desk.resident_a.id),
            "location": "厨房水槽下",
            "description": "水管接头漏水",
            "trade": "plumbing",
            "work_kind": "home_repair_paid",
        },
    )
    assert response.status_code == 302
    return int(response.headers["Location"].split("id=")[1].split("&")[0])


def the_order(in_app, ticket_id) -> tuple[int, str]:
    with in_app():
        order = db.session.query(WorkOrder).filter_by(ticket_id=ticket_id).one()
        return order.id, order.number


def test_the_calls_page_shows_its_work_order_with_dispatch_first_and_no_second_order(desk, in_app):
    ticket_id = log_repair_call(desk)
    order_id, number = the_order(in_app, ticket_id)

    page = desk.zh.get(f"/admin/ticket/details/?id={ticket_id}").get_data(as_text=True)
    box = page[page.index('id="call-work-orders"') : page.index('id="record-actions"')]
    assert f"/admin/work_order/details/?id={order_id}" in box and number in box
    assert "新建" in box  # the order's state
    assert "派工" in box and f"/admin/work_order/act/dispatch/?id={order_id}" in box
    # The box comes before the call's own buttons, and "Create a work order" is not one.
    buttons = page[page.index('id="record-actions"') :]
    assert "生成维修工单" not in buttons[: buttons.index("</div>")]
    assert 'id="action-create_work_order"' not in page

    # Asked anyway (an old tab, a bookmark): refused, naming the order; still one order.
    response = desk.zh.post(
        f"/admin/ticket/act/create_work_order/?id={ticket_id}",
        {"kind": "home_repair_paid", "trade": "plumbing", "is_emergency": "no"},
    )
    assert response.status_code == 200
    refused = response.get_data(as_text=True)
    assert f"已有维修工单 {number}" in refused and "请在该工单上跟进" in refused
    with in_app():
        assert db.session.query(WorkOrder).filter_by(ticket_id=ticket_id).count() == 1


def test_the_verb_refuses_a_second_order_while_one_is_open_whoever_calls_it(
    desk, factories, in_app
):
    ticket = factories.ticket(desk.a, status=T.in_progress, unit_id=desk.unit_a.id)
    factories.work_order(desk.a, ticket_id=ticket.id, status=S.dispatched, number="WO-1")
    with in_app():
        record = db.session.get(Ticket, ticket.id)
        actor = db.session.get(Staff, desk.reception.id)
        with pytest.raises(ServiceError, match="WO-1"):
            tickets.create_from_ticket(record, actor, trade=Trade.plumbing)


def order_form(desk, ticket_id: int, description: str) -> dict:
    """The work orders' own form (新建工单), naming the call."""
    return {
        "estate": str(desk.a.id),
        "ticket": str(ticket_id),
        "kind": "home_repair_paid",
        "trade": "plumbing",
        "unit": str(desk.unit_a.id),
        "description": description,
    }


def test_the_work_orders_form_refuses_a_second_open_order_for_the_call(desk, factories, in_app):
    """Typed on the work orders' own form, naming the call by its number: the same rule as
    the call's button, said on the form, and nothing saved."""
    ticket = factories.ticket(desk.a, status=T.in_progress, unit_id=desk.unit_a.id)
    factories.work_order(desk.a, ticket_id=ticket.id, status=S.dispatched, number="WO-1")
    response = desk.zh.post("/admin/work_order/new/", order_form(desk, ticket.id, "第二张单"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "已有维修工单 WO-1" in page and "请在该工单上跟进" in page
    with in_app():
        assert db.session.query(WorkOrder).filter_by(ticket_id=ticket.id).count() == 1


def test_an_order_may_be_edited_or_named_for_a_call_whose_orders_ended(desk, factories, in_app):
    ticket = factories.ticket(desk.a, status=T.in_progress, unit_id=desk.unit_a.id)
    factories.work_order(desk.a, ticket_id=ticket.id, status=S.cancelled)
    response = desk.zh.post("/admin/work_order/new/", order_form(desk, ticket.id, "重新派单"))
    assert response.status_code == 302
    with in_app():
        order = db.session.query(WorkOrder).filter_by(description="重新派单").one()
    # Its own call's open order is itself: saving it again is no second order.
    response = desk.zh.post(
        f"/admin/work_order/edit/?id={order.id}", order_form(desk, ticket.id, "重新派单，改")
    )
    assert response.status_code == 302
    with in_app():
        assert db.session.get(WorkOrder, order.id).description == "重新派单，改"


@pytest.mark.parametrize("ended", [S.cancelled, S.declined, S.closed])
def test_an_order_that_ended_does_not_stop_a_new_one(desk, factories, in_app, ended):
    ticket = factories.ticket(desk.a, status=T.in_progress, unit_id=desk.unit_a.id)
    factories.work_order(desk.a, ticket_id=ticket.id, status=ended)
    page = desk.zh.get(f"/admin/ticket/details/?id={ticket.id}").get_data(as_text=True)
    assert 'id="action-create_work_order"' in page


def close(in_app, order_id, actor_id) -> None:
    with in_app():
        order = db.session.get(WorkOrder, order_id)
        work_orders.close_with_signature(
            order,
            db.session.get(Staff, actor_id),
            signer_name="崔女士",
            signature_png=PNG,
            fee=Decimal("30"),
            method="cash",
        )
        db.session.commit()


def test_the_call_is_handled_once_its_order_is_signed_and_no_longer_counts_as_open(
    desk, factories, in_app
):
    ticket_id = log_repair_call(desk)
    order_id, number = the_order(in_app, ticket_id)
    with in_app():
        db.session.get(WorkOrder, order_id).technician_id = desk.tech.id
        db.session.get(WorkOrder, order_id).status = S.done
        db.session.commit()

    close(in_app, order_id, desk.tech.id)  # the technician, on his phone

    with in_app():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.status is T.resolved  # the revisit and telling the resident remain
        assert number in ticket.result and "崔女士" in ticket.result
        entry = (
            db.session.query(AuditRecord)
            .filter_by(entity_type="ticket", entity_id=ticket_id, action="follow_work_orders")
            .one()
        )
        assert entry.actor_id == desk.tech.id
        reception = db.session.get(Staff, desk.reception.id)
        box = front_desk.household(reception, desk.unit_a.id, None)
        assert box["open_tickets"] == []
    page = desk.zh.get(f"/admin/ticket/details/?id={ticket_id}").get_data(as_text=True)
    assert "已处理" in page
    assert 'id="action-close"' in page  # the desk may close it once the resident is told


def test_a_call_waits_for_every_order_and_follows_the_last_one_cancelled(desk, factories, in_app):
    ticket = factories.ticket(desk.a, status=T.in_progress, unit_id=desk.unit_a.id)
    first = factories.work_order(desk.a, ticket_id=ticket.id, status=S.new, number="WO-1")
    second = factories.work_order(desk.a, ticket_id=ticket.id, status=S.new, number="WO-2")
    for order, still in ((first, T.in_progress), (second, T.resolved)):
        with in_app():
            record = db.session.get(WorkOrder, order.id)
            work_orders.cancel(
                record, db.session.get(Staff, desk.reception.id), reason="住户不修了"
            )
            db.session.commit()
            assert db.session.get(Ticket, ticket.id).status is still
    with in_app():
        result = db.session.get(Ticket, ticket.id).result
        assert "WO-1" in result and "WO-2" in result and "住户不修了" in result


def test_a_call_handled_by_hand_is_left_as_it_is(desk, factories, in_app):
    ticket = factories.ticket(desk.a, status=T.closed, result="电话里已解决")
    order = factories.work_order(desk.a, ticket_id=ticket.id, status=S.new)
    with in_app():
        record = db.session.get(WorkOrder, order.id)
        work_orders.cancel(record, db.session.get(Staff, desk.reception.id), reason="重复")
        db.session.commit()
        after = db.session.get(Ticket, ticket.id)
        assert (after.status, after.result) == (T.closed, "电话里已解决")


RATINGS = {name: 4 for name in work_orders.RATINGS}


def revisit(in_app, order_id, actor_id, satisfaction):
    with in_app():
        followup = work_orders.mark_revisited(
            db.session.get(WorkOrder, order_id),
            db.session.get(Staff, actor_id),
            ratings=RATINGS,
            satisfaction=satisfaction,
            comment="还是滴水" if satisfaction is Satisfaction.unsatisfied else "",
        )
        db.session.commit()
        return followup.number if followup is not None else None


@pytest.fixture
def signed_call(desk, factories):
    """A repair call whose one order was done and signed for: resolved, to revisit."""
    ticket = factories.ticket(desk.a, status=T.resolved, unit_id=desk.unit_a.id, result="已修好")
    order = factories.work_order(
        desk.a, ticket_id=ticket.id, status=S.closed, number="WO-7", unit_id=desk.unit_a.id
    )
    return ticket.id, order.id


def test_the_revisit_of_its_last_order_closes_the_call(desk, in_app, signed_call):
    """The revisit is the call back to the resident: he is told, and the desk has nothing
    left to close by hand."""
    ticket_id, order_id = signed_call
    revisit(in_app, order_id, desk.reception.id, Satisfaction.satisfied)
    with in_app():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.status is T.closed and ticket.resident_informed_at is not None
        # In the office's language, though the desk reads the panel in English.
        assert ticket.result.endswith("维修工单 WO-7 已回访：满意。")
    page = desk.zh.get(f"/admin/ticket/details/?id={ticket_id}").get_data(as_text=True)
    assert "已关闭" in page and 'id="action-close"' not in page


def test_an_unsatisfied_revisit_closes_the_call_naming_the_follow_up(desk, in_app, signed_call):
    ticket_id, order_id = signed_call
    followup = revisit(in_app, order_id, desk.reception.id, Satisfaction.unsatisfied)
    with in_app():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.status is T.closed
        assert f"已转为跟进投诉 {followup}。" in ticket.result


def test_the_call_waits_for_the_revisit_of_every_order(desk, factories, in_app, signed_call):
    ticket_id, order_id = signed_call
    factories.work_order(desk.a, ticket_id=ticket_id, status=S.closed, number="WO-8")
    revisit(in_app, order_id, desk.reception.id, Satisfaction.satisfied)
    with in_app():
        assert db.session.get(Ticket, ticket_id).status is T.resolved


def test_a_call_closed_by_hand_stays_as_it_was(desk, factories, in_app):
    ticket = factories.ticket(desk.a, status=T.closed, result="电话里已告知")
    order = factories.work_order(desk.a, ticket_id=ticket.id, status=S.closed)
    revisit(in_app, order.id, desk.reception.id, Satisfaction.satisfied)
    with in_app():
        assert db.session.get(Ticket, ticket.id).result == "电话里已告知"


def test_the_orders_page_leads_back_to_its_call(desk, factories, login, in_app):
    """From the order, the desk goes back to the call in one click; a technician, who may
    not read calls, sees its number only."""
    ticket = factories.ticket(desk.a, status=T.in_progress, number="HY-T2612-0009")
    order = factories.work_order(
        desk.a, ticket_id=ticket.id, status=S.dispatched, technician_id=desk.tech.id
    )
    page = desk.zh.get(f"/admin/work_order/details/?id={order.id}").get_data(as_text=True)
    assert f'<a href="/admin/ticket/details/?id={ticket.id}">HY-T2612-0009</a>' in page
    tech = login(desk.tech).get(f"/admin/work_order/details/?id={order.id}")
    assert tech.status_code == 200
    shown = tech.get_data(as_text=True)
    assert "HY-T2612-0009" in shown and "/admin/ticket/details/" not in shown
