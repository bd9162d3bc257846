"""The workflow actions through the panel: who may open and confirm them, CSRF, list actions
over several rows, the technician's page, the signature image and the printout."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    BatchRun,
    BatchStatus,
    Role,
    Ticket,
    TicketCategory,
    TicketStatus,
    Trade,
    WorkOrder,
    WorkOrderStatus,
)

S = WorkOrderStatus
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 80
DATA_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()

# Who may run each work-order step (written out independently of auth/permissions.py).
WORK_ORDER_ROLES = {
    "dispatch": {"receptionist", "supervisor", "director", "admin"},
    "cancel": {"receptionist", "supervisor", "director", "admin"},
    "arrive": {"technician", "supervisor", "admin"},
    "quote": {"technician", "supervisor", "admin"},
    "finish": {"technician", "supervisor", "admin"},
    "close": {"technician", "receptionist", "supervisor", "admin"},
    "revisit": {"receptionist", "supervisor", "director", "admin"},
}
STATE_FOR = {
    "dispatch": S.new,
    "cancel": S.new,
    "arrive": S.dispatched,
    "quote": S.arrived,
    "finish": S.in_progress,
    "close": S.done,
    "revisit": S.closed,
}


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.tech = factories.staff(
        Role.technician, estates=[w.a], trades=[Trade.plumbing], username="tech"
    )
    w.reception = factories.staff(Role.receptionist, estates=[w.a], username="desk")
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    return w


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("action", sorted(WORK_ORDER_ROLES))
def test_who_may_open_each_action(factories, login, world, role, action):
    user = world.tech if role == "technician" else factories.staff(role, estates=[world.a])
    order = factories.work_order(
        world.a, status=STATE_FOR[action], technician_id=world.tech.id, trade=Trade.plumbing
    )
    response = login(user).get(f"/admin/work_order/act/{action}/?id={order.id}")
    if role == "guard":
        assert response.status_code == 403  # guards do not see work orders at all
    else:
        assert response.status_code == (200 if role in WORK_ORDER_ROLES[action] else 403)


def test_confirm_needs_csrf(login, factories, world, in_app):
    order = factories.work_order(world.a, status=S.new)
    c = login(world.reception)
    response = c.post(
        f"/admin/work_order/act/cancel/?id={order.id}", {"reason": "住户取消"}, csrf=False
    )
    assert response.status_code == 400
    with in_app():
        assert db.session.get(WorkOrder, order.id).status is S.new


def test_get_runs_nothing(login, factories, world, in_app):
    order = factories.work_order(world.a, status=S.new)
    login(world.reception).get(f"/admin/work_order/act/cancel/?id={order.id}&reason=x")
    with in_app():
        assert db.session.get(WorkOrder, order.id).status is S.new


def test_other_estate_record_does_not_exist(login, factories, world):
    order = factories.work_order(world.b, status=S.new)
    assert (
        login(world.reception).get(f"/admin/work_order/act/cancel/?id={order.id}").status_code
        == 404
    )


def test_refused_transition_changes_nothing_and_says_why(login, factories, world, in_app):
    order = factories.work_order(world.a, status=S.new)
    c = login(world.reception)
    page = c.get(f"/admin/work_order/act/close/?id={order.id}").get_data(as_text=True)
    assert "not possible now" in page and 'id="confirm-action"' not in page
    response = c.post(
        f"/admin/work_order/act/close/?id={order.id}",
        {"signer_name": "x", "signature": DATA_URL, "fee": "1"},
    )
    assert "Nothing to do" in response.get_data(as_text=True)
    with in_app():
        assert db.session.get(WorkOrder, order.id).status is S.new


def test_dispatch_form_lists_technicians_of_estate_and_trade_with_workload(login, factories, world):
    factories.staff(Role.technician, estates=[world.a], trades=[Trade.electrical], name="电工老周")
    factories.staff(Role.technician, estates=[world.b], trades=[Trade.plumbing], name="别处水工")
    factories.work_order(world.a, status=S.dispatched, technician_id=world.tech.id)
    order = factories.work_order(world.a, status=S.new, trade=Trade.plumbing)
    page = (
        login(world.reception)
        .get(f"/admin/work_order/act/dispatch/?id={order.id}")
        .get_data(as_text=True)
    )
    options = re.findall(r"<option[^>]*>([^<]*)</option>", page)
    assert len(options) == 1 and "1 open orders" in options[0]


def test_list_action_over_several_rows_is_a_recorded_batch(login, factories, world, in_app):
    ready = [factories.work_order(world.a, status=S.new, trade=Trade.plumbing) for _ in range(3)]
    closed = factories.work_order(world.a, status=S.closed)
    other = factories.work_order(world.b, status=S.new)
    c = login(world.supervisor)
    ids = [o.id for o in ready] + [closed.id, other.id]
    response = c.post("/admin/work_order/action/", {"action": "dispatch", "rowid": ids})
    assert response.status_code == 302 and "/act/dispatch/" in response.headers["Location"]
    page = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 records will be changed." in page and "1 will be skipped." in page
    later = (clock.now() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    form = {"ids": ",".join(map(str, ids)), "technician": world.tech.id, "appointment_at": later}
    done = c.post("/admin/work_order/act/dispatch/", form)
    assert "/admin/action_batch/details/" in done.headers["Location"]
    with in_app():
        assert [db.session.get(WorkOrder, o.id).status for o in ready] == [S.dispatched] * 3
        assert db.session.get(WorkOrder, closed.id).status is S.closed
        assert db.session.get(WorkOrder, other.id).status is S.new
        batch = db.session.query(BatchRun).one()
        assert (batch.total, batch.done, batch.skipped, batch.failed) == (4, 3, 1, 0)
        assert batch.actor_id == world.supervisor.id and batch.status is BatchStatus.done
        history = db.session.query(AuditRecord).filter_by(batch_id=batch.id).all()
        assert sorted(h.entity_id for h in history) == sorted(o.id for o in ready)


def test_receptionist_cannot_run_batches(login, factories, world, in_app):
    orders = [factories.work_order(world.a, status=S.new) for _ in range(2)]
    c = login(world.reception)
    ids = ",".join(str(o.id) for o in orders)
    assert c.get(f"/admin/work_order/act/cancel/?ids={ids}").status_code == 403
    assert c.post(f"/admin/work_order/act/cancel/?ids={ids}", {"reason": "x"}).status_code == 403
    assert c.get("/admin/work_order/act/cancel/?scope=filter").status_code == 403
    assert 'id="filter-batch"' not in c.get("/admin/work_order/").get_data(as_text=True)
    with in_app():
        assert {db.session.get(WorkOrder, o.id).status for o in orders} == {S.new}


def test_one_refusal_does_not_undo_the_others(login, factories, world, in_app):
    plumbing = factories.work_order(world.a, status=S.new, trade=Trade.plumbing)
    electrical = factories.work_order(world.a, status=S.new, trade=Trade.electrical)
    c = login(world.supervisor)
    later = (clock.now() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    form = {
        "ids": f"{plumbing.id},{electrical.id}",
        "technician": world.tech.id,
        "appointment_at": later,
    }
    page = c.post("/admin/work_order/act/dispatch/", form, follow_redirects=True)
    assert "does not do Electrical work" in page.get_data(as_text=True)
    with in_app():
        assert db.session.get(WorkOrder, plumbing.id).status is S.dispatched
        assert db.session.get(WorkOrder, electrical.id).status is S.new
        batch = db.session.query(BatchRun).one()
        assert (batch.done, batch.failed) == (1, 1)


def test_technician_page_shows_only_his_orders(login, factories, world):
    other = factories.staff(Role.technician, estates=[world.a], trades=[Trade.plumbing])
    mine = factories.work_order(
        world.a, status=S.dispatched, technician_id=world.tech.id, description="我的单"
    )
    theirs = factories.work_order(
        world.a, status=S.dispatched, technician_id=other.id, description="别人的单"
    )
    c = login(world.tech)
    page = c.get("/tech/").get_data(as_text=True)
    assert "我的单" in page and "别人的单" not in page
    assert c.get(f"/tech/act/arrive/{theirs.id}").status_code == 404
    assert c.post(f"/tech/act/arrive/{mine.id}").status_code == 302


def test_technician_page_for_other_roles(login, factories, world):
    guard = factories.staff(Role.guard, estates=[world.a])
    assert login(guard).get("/tech/").status_code == 403
    assert login(world.reception).get("/tech/act/arrive/1").status_code == 403


def test_technician_lands_on_his_page(client, world):
    response = client.login("tech")
    assert response.headers["Location"].endswith("/tech/")


def test_signature_round_trip_and_scope(login, factories, world, in_app):
    order = factories.work_order(world.a, status=S.done, technician_id=world.tech.id)
    c = login(world.tech)
    response = c.post(
        f"/tech/act/close/{order.id}",
        {"signer_name": "王女士", "fee": "30", "payment": "cash", "signature": DATA_URL},
    )
    assert response.status_code == 302
    desk = login(world.reception)
    image = desk.get(f"/admin/work_order/signature/?id={order.id}")
    assert image.status_code == 200 and image.data == PNG and image.mimetype == "image/png"
    printout = desk.get(f"/admin/work_order/print/?id={order.id}&paper=A5").get_data(as_text=True)
    assert (
        base64.b64encode(PNG).decode() in printout
        and "size: A5" in printout
        and "王女士" in printout
    )
    stranger = login(factories.staff(Role.supervisor, estates=[world.b]))
    assert stranger.get(f"/admin/work_order/signature/?id={order.id}").status_code == 404
    assert stranger.get(f"/admin/work_order/print/?id={order.id}").status_code == 404


def test_forged_signature_data_is_refused(login, factories, world, in_app):
    order = factories.work_order(world.a, status=S.done, technician_id=world.tech.id)
    c = login(world.tech)
    for bad in (
        "data:image/png;base64,!!!",
        "data:text/html;base64,PGgxPg==",
        "data:image/png;base64," + base64.b64encode(b"<svg/>").decode(),
    ):
        page = c.post(
            f"/tech/act/close/{order.id}",
            {"signer_name": "王", "fee": "1", "signature": bad},
            follow_redirects=True,
        ).get_data(as_text=True)
        assert "sign again" in page or "PNG" in page
    with in_app():
        assert db.session.get(WorkOrder, order.id).status is S.done


def test_unsatisfied_revisit_through_the_panel(login, factories, world, in_app):
    order = factories.work_order(world.a, status=S.closed, technician_id=world.tech.id)
    form = {
        "rating_timeliness": "2",
        "rating_quality": "1",
        "rating_fee": "3",
        "rating_attitude": "2",
        "satisfaction": "unsatisfied",
        "comment": "还漏水",
    }
    response = login(world.reception).post(f"/admin/work_order/act/revisit/?id={order.id}", form)
    assert response.status_code == 302
    with in_app():
        followup = db.session.query(Ticket).one()
        assert (
            followup.assignee_id == world.supervisor.id
            and followup.status is TicketStatus.escalated
        )


def test_the_revisit_confirmation_names_the_followup_with_a_link(login, factories, world, in_app):
    order = factories.work_order(world.a, status=S.closed, technician_id=world.tech.id)
    form = {name: "2" for name in ("rating_timeliness", "rating_quality", "rating_fee")}
    form.update(rating_attitude="3", satisfaction="unsatisfied", comment="<b>还漏水</b>")
    page = login(world.reception).post(
        f"/admin/work_order/act/revisit/?id={order.id}", form, follow_redirects=True
    )
    html = page.get_data(as_text=True)
    with in_app():
        followup = db.session.query(Ticket).one()
    # On to the next call to make, the follow-up named with its link.
    assert page.request.path == "/admin/work_order/" and "revisits_due" in page.request.url
    link = f'<a href="/admin/ticket/details/?id={followup.id}">{followup.number}</a>'
    assert f"follow-up complaint {link} is opened, and the estate&#39;s supervisors" in html


def test_a_satisfied_revisit_mentions_no_followup(login, factories, world):
    order = factories.work_order(world.a, status=S.closed, technician_id=world.tech.id)
    form = {name: "5" for name in ("rating_timeliness", "rating_quality", "rating_fee")}
    form.update(rating_attitude="5", satisfaction="satisfied", comment="")
    page = login(world.reception).post(
        f"/admin/work_order/act/revisit/?id={order.id}", form, follow_redirects=True
    )
    assert "follow-up" not in page.get_data(as_text=True)


def test_repair_ticket_becomes_a_work_order(login, factories, world, in_app):
    ticket = factories.ticket(world.a, category=TicketCategory.repair, description="灯不亮")
    c = login(world.reception)
    response = c.post(
        f"/admin/ticket/act/create_work_order/?id={ticket.id}",
        {"kind": "home_repair_free", "trade": "electrical", "is_emergency": "no"},
    )
    assert "/admin/work_order/details/" in response.headers["Location"]
    with in_app():
        order = db.session.query(WorkOrder).one()
        assert order.ticket_id == ticket.id and order.trade is Trade.electrical
        assert order.description == "灯不亮"


def test_details_show_only_possible_actions(login, factories, world):
    order = factories.work_order(world.a, status=S.new)
    page = (
        login(world.reception)
        .get(f"/admin/work_order/details/?id={order.id}")
        .get_data(as_text=True)
    )
    buttons = set(re.findall(r'id="action-(\w+)"', page))
    assert buttons == {"dispatch", "cancel"}
