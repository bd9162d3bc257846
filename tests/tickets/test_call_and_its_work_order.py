"""A repair call and its work order, as the front desk sees them: the call's page lists its
order with the order's next step, and no second order is made while one is open."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import (
    Role,
    Staff,
    Ticket,
    TicketStatus,
    Trade,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.services.errors import ServiceError
from admin_app.tickets import operations as tickets

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


@pytest.mark.parametrize("ended", [S.cancelled, S.declined, S.closed])
def test_an_order_that_ended_does_not_stop_a_new_one(desk, factories, in_app, ended):
    ticket = factories.ticket(desk.a, status=T.in_progress, unit_id=desk.unit_a.id)
    factories.work_order(desk.a, ticket_id=ticket.id, status=ended)
    page = desk.zh.get(f"/admin/ticket/details/?id={ticket.id}").get_data(as_text=True)
    assert 'id="action-create_work_order"' in page
