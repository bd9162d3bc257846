"""A technician hands back an order he cannot take: it returns to the front desk's list to
dispatch, with the reason on the order, and nothing of the old dispatch left on it."""

from __future__ import annotations

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Role, Trade, WorkOrder, WorkOrderStatus
from admin_app.services.errors import ServiceError
from admin_app.work_orders import operations as work_orders

S = WorkOrderStatus


@pytest.fixture
def dispatched(factories):
    w = factories.two_estates()
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing])
    w.order = factories.work_order(
        w.a,
        status=S.dispatched,
        technician_id=w.tech.id,
        dispatched_at=clock.now(),
        appointment_at=clock.now(),
    )
    return w


def test_the_technician_hands_back_from_his_phone_and_the_order_is_to_dispatch_again(
    dispatched, login, in_app
):
    w = dispatched
    phone = login(w.tech, lang="zh-CN")
    assert f"/tech/act/hand_back/{w.order.id}" in phone.get("/tech/").get_data(as_text=True)
    response = phone.post(f"/tech/act/hand_back/{w.order.id}", {"reason": "明天休假"})
    assert response.status_code == 302
    with in_app():
        order = db.session.get(WorkOrder, w.order.id)
        assert order.status is S.new
        assert (order.technician_id, order.appointment_at, order.dispatched_at) == (None,) * 3
        assert "退单：明天休假" in order.work_notes


def test_the_note_is_in_the_offices_language_whatever_the_technician_reads(
    dispatched, login, in_app
):
    """The order's notes are the office's (printed, read by the desk): a technician who reads
    the panel in English still writes 退单 there."""
    phone = login(dispatched.tech, lang="en")
    phone.post(f"/tech/act/hand_back/{dispatched.order.id}", {"reason": "on leave tomorrow"})
    with in_app():
        notes = db.session.get(WorkOrder, dispatched.order.id).work_notes
    assert "退单：on leave tomorrow" in notes and "Handed back" not in notes
    assert "My work orders" in phone.get("/tech/").get_data(as_text=True)  # his page: English


def test_a_hand_back_without_a_reason_is_refused_and_changes_nothing(dispatched, in_app):
    with in_app():
        order = db.session.get(WorkOrder, dispatched.order.id)
        tech = db.session.get(type(dispatched.tech), dispatched.tech.id)
        with pytest.raises(ServiceError):
            work_orders.hand_back(order, tech, reason="  ")
        db.session.rollback()
        assert db.session.get(WorkOrder, dispatched.order.id).status is S.dispatched


@pytest.mark.parametrize(("role", "may"), [("technician", True), ("receptionist", False)])
def test_only_the_field_side_may_hand_an_order_back(dispatched, factories, login, role, may):
    user = (
        dispatched.tech if role == "technician" else factories.staff(role, estates=[dispatched.a])
    )
    url = f"/admin/work_order/act/hand_back/?id={dispatched.order.id}"
    assert (login(user).get(url).status_code == 200) is may
