"""A technician passes his order to a colleague, or hands it back, with a reason (the
supervisors hear of it); a resident's chase (催单) is logged from the order's page in one click,
shown on the order and the technician's card, and counted in the month's statistics."""

from __future__ import annotations

from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    Reminder,
    Role,
    Staff,
    Trade,
    WorkOrder,
    WorkOrderChase,
    WorkOrderStatus,
)
from admin_app.services import statistics as stats
from admin_app.services.errors import ServiceError
from admin_app.work_orders import operations as work_orders

from ..conftest import statements_run

S = WorkOrderStatus
P = Trade.plumbing


@pytest.fixture
def team(factories):
    w = factories.two_estates()
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[P], name="老王")
    w.mate = factories.staff(Role.technician, estates=[w.a], trades=[P], name="小李")
    w.spark = factories.staff(Role.technician, estates=[w.a], trades=[Trade.electrical])
    w.far = factories.staff(Role.technician, estates=[w.b], trades=[P], name="远方")
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    w.desk = factories.staff(Role.receptionist, estates=[w.a])
    w.appointment = clock.now().replace(second=0) + timedelta(hours=3)
    w.order = factories.work_order(
        w.a,
        trade=P,
        status=S.dispatched,
        technician_id=w.tech.id,
        dispatched_at=clock.now(),
        appointment_at=w.appointment,
        contact_name="甲住户",
    )
    return w


def _told(rule: str) -> list[Reminder]:
    return db.session.query(Reminder).filter_by(rule=rule).all()


def test_the_technician_passes_his_order_on_from_his_phone_and_both_sides_hear_of_it(
    team, login, in_app
):
    phone = login(team.tech, lang="zh-CN")
    url = f"/tech/act/pass_on/{team.order.id}"
    assert url in phone.get("/tech/").get_data(as_text=True)
    form = phone.get(url).get_data(as_text=True)
    assert "小李" in form and "远方" not in form and "老王 (" not in form
    response = phone.post(url, {"colleague": team.mate.id, "reason": "我在另一单，走不开"})
    assert response.status_code == 302
    with in_app():
        order = db.session.get(WorkOrder, team.order.id)
        assert (order.status, order.technician_id) == (S.dispatched, team.mate.id)
        assert order.appointment_at == team.appointment  # as agreed with the resident
        assert "我在另一单，走不开" in order.work_notes and "小李" in order.work_notes
        assert [r.recipient_id for r in _told("handoff_dispatched")] == [team.mate.id]
        [supervisors] = _told("handoff_passed_on")
        assert (supervisors.recipient_role, supervisors.estate_id) == ("supervisor", team.a.id)
    assert f"order-{team.order.id}" not in phone.get("/tech/").get_data(as_text=True)
    assert f"order-{team.order.id}" in login(team.mate).get("/tech/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("who", "colleague", "reason", "message"),
    [
        ("mate", "mate", "换人", "not yours"),  # another technician's order
        ("tech", "mate", "  ", "Say why"),
        ("tech", "far", "换人", "does not work in this estate"),
        ("tech", "spark", "换人", "does not do Plumbing work"),
        ("tech", "tech", "换人", "Choose a colleague"),
        ("supervisor", "mate", "换人", "Your role may not"),
    ],
)
def test_a_pass_on_is_refused_and_changes_nothing(team, in_app, who, colleague, reason, message):
    with in_app():
        order = db.session.get(WorkOrder, team.order.id)
        with pytest.raises(ServiceError) as refused:
            work_orders.pass_on(
                order,
                db.session.get(Staff, getattr(team, who).id),
                colleague=db.session.get(Staff, getattr(team, colleague).id),
                reason=reason,
            )
        assert message in str(refused.value)
        db.session.rollback()
        order = db.session.get(WorkOrder, team.order.id)
        assert order.technician_id == team.tech.id and not order.work_notes
        assert _told("handoff_passed_on") == [] and _told("handoff_dispatched") == []


def test_a_hand_back_tells_the_estates_supervisors(team, login, in_app):
    login(team.tech).post(f"/tech/act/hand_back/{team.order.id}", {"reason": "缺配件"})
    with in_app():
        assert db.session.get(WorkOrder, team.order.id).status is S.new
        [told] = _told("handoff_handed_back")
        assert (told.recipient_role, told.estate_id) == ("supervisor", team.a.id)


def test_a_chase_is_logged_in_one_click_from_the_orders_page_and_shown_everywhere(
    team, login, in_app
):
    desk = login(team.desk, lang="zh-CN")
    page = desk.get(f"/admin/work_order/details/?id={team.order.id}").get_data(as_text=True)
    assert 'id="chase-form"' in page and 'value="甲住户"' in page
    action = page.split('id="chase-form"')[0].rsplit('action="', 1)[1].split('"')[0]
    response = desk.post(
        action.replace("&amp;", "&"),
        {"ids": team.order.id, "caller": "甲住户", "note": "说好的三点还没来"},
    )
    assert response.status_code == 302
    with in_app():
        [chase] = db.session.query(WorkOrderChase).all()
        assert (chase.caller, chase.note) == ("甲住户", "说好的三点还没来")
        assert (chase.technician_id, chase.logged_by_id) == (team.tech.id, team.desk.id)
    page = desk.get(f"/admin/work_order/details/?id={team.order.id}").get_data(as_text=True)
    assert 'id="chase-count">1<' in page and "说好的三点还没来" in page
    card = login(team.tech).get("/tech/").get_data(as_text=True)
    assert f'id="chases-{team.order.id}"' in card and "说好的三点还没来" in card


def test_each_chase_tells_the_orders_technician_at_once_in_his_language(
    team, factories, login, in_app
):
    """He is out on his rounds: the inbox (and a text, where SMS is set up) says someone is
    waiting, once per chase; an order nobody has yet is the desk's own to dispatch."""
    from admin_app.models import Notification

    waiting = factories.work_order(team.a, trade=P, status=S.new, contact_name="乙住户")
    with in_app():
        desk = db.session.get(Staff, team.desk.id)
        order = db.session.get(WorkOrder, team.order.id)
        work_orders.log_chase(order, desk, note="说好的三点还没来")
        work_orders.log_chase(order, desk)
        work_orders.log_chase(db.session.get(WorkOrder, waiting.id), desk)
        db.session.commit()
        told = _told("handoff_chased")
        assert [(r.recipient_id, r.entity_id) for r in told] == [(team.tech.id, order.id)] * 2
        assert db.session.query(Notification).filter_by(staff_id=team.tech.id).count() == 2
    inbox = login(team.tech, lang="zh-CN").get("/admin/inbox/").get_data(as_text=True)
    assert f"住户催单：工单 {team.order.number}，请尽快联系住户或上门。" in inbox


def test_chases_count_in_the_months_statistics_per_technician(team, factories, login, in_app):
    other = factories.work_order(team.a, trade=P, status=S.new)
    with in_app():
        desk = db.session.get(Staff, team.desk.id)
        for order_id in (team.order.id, team.order.id, other.id):
            work_orders.log_chase(
                db.session.get(WorkOrder, order_id), desk, caller="住户", note="催"
            )
        db.session.commit()
        month = stats.parse_period(clock.today().strftime("%Y-%m"))
        rows = stats.chase_table([team.a.id], month)
        assert rows == [
            {"technician": "老王", "chases": 2, "orders": 1},
            {"technician": "—", "chases": 1, "orders": 1},
        ]
        assert stats.chase_table([team.b.id], month) == []
    supervisor = login(team.supervisor)
    page = supervisor.get("/admin/statistics/").get_data(as_text=True)
    table = page.split('id="table-chases"')[1].split("</table>")[0]
    assert "老王" in table and ">2<" in table
    export = supervisor.get("/admin/statistics/export/chases.csv").get_data(as_text=True)
    assert "老王,2,1" in export


def test_a_chase_is_refused_without_a_caller_on_a_closed_order_and_for_a_technician(
    team, factories, login, in_app
):
    nameless = factories.work_order(team.a, trade=P, status=S.new)
    with pytest.raises(ServiceError, match="Say who called"), in_app():
        work_orders.log_chase(
            db.session.get(WorkOrder, nameless.id), db.session.get(Staff, team.desk.id)
        )
    closed = factories.work_order(team.a, trade=P, status=S.closed)
    desk = login(team.desk)
    page = desk.get(f"/admin/work_order/details/?id={closed.id}").get_data(as_text=True)
    assert 'id="chase-form"' not in page
    response = desk.post(f"/admin/work_order/act/chase/?id={closed.id}", {"ids": closed.id})
    assert response.status_code == 200  # the form again, saying why; nothing logged
    tech = login(team.tech)
    assert tech.get(f"/admin/work_order/act/chase/?id={team.order.id}").status_code == 403


def test_an_orders_page_reads_its_chases_and_who_logged_them_at_once(
    app, team, factories, login, in_app
):
    """However many chases and however many people logged them, the page costs the same."""
    supervisor = login(team.supervisor)
    url = f"/admin/work_order/details/?id={team.order.id}"

    def log(*people, total: int) -> int:
        with in_app():
            order = db.session.get(WorkOrder, team.order.id)
            for person in people:
                work_orders.log_chase(order, db.session.get(Staff, person.id), note="催")
            db.session.commit()
        with statements_run(app) as run:
            page = supervisor.get(url).get_data(as_text=True)
        assert f'id="chase-count">{total}<' in page
        assert all(f"logged by {p.name}" in page for p in people)
        return len(run)

    one = log(team.desk, total=1)
    desks = [factories.staff(Role.receptionist, estates=[team.a]) for _ in range(3)]
    assert log(*desks, team.supervisor, total=5) == one
