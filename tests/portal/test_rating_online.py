"""The resident rates finished work on their own pages: the four ratings and the overall
judgement of the revisit call, recorded as the revisit (channel online, the resident in the
history), so the desk's revisit list drops the order and the statistics count it; a household
that did not rate still appears for a call; another household's order is not there to rate."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    RevisitChannel,
    Role,
    Satisfaction,
    Ticket,
    TicketCategory,
    TicketStatus,
    Trade,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.services.statistics import periods
from admin_app.services.statistics.work_orders import revisit_groups

S = WorkOrderStatus
RATING = {
    "rating_timeliness": "5",
    "rating_quality": "4",
    "rating_fee": "4",
    "rating_attitude": "5",
    "satisfaction": "satisfied",
}


@pytest.fixture
def finished(factories, two_estates):
    w = two_estates
    w.desk = factories.staff(Role.receptionist, estates=[w.a])
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing])
    due = clock.now() - timedelta(hours=1)

    def closed(unit, estate, resident):
        return factories.work_order(
            estate,
            unit_id=unit.id,
            resident_id=resident.id,
            status=S.closed,
            technician_id=w.tech.id if estate is w.a else None,
            closed_at=clock.now() - timedelta(days=1),
            revisit_due_at=due,
            trade=Trade.plumbing,
        )

    w.ours = closed(w.unit_a, w.a, w.resident_a)
    w.silent = closed(w.unit_a, w.a, w.resident_a)  # the household does not rate this one
    w.theirs = closed(w.unit_b, w.b, w.resident_b)
    return w


def revisit_list(client) -> set[int]:
    listing = client.get("/admin/work_order/?flt0_queue=revisits_due").get_data(as_text=True)
    return {int(i) for i in re.findall(r"details/\?id=(\d+)&", listing)}


def test_a_rating_online_is_the_revisit_and_the_desk_no_longer_calls(
    finished, login, resident_client, in_app
):
    desk = login(finished.desk)
    assert revisit_list(desk) == {finished.ours.id, finished.silent.id}
    resident = resident_client(finished.resident_a)
    listed = resident.get("/r/rate/").get_data(as_text=True)
    assert f"/r/rate/{finished.ours.id}" in listed
    assert f"/r/rate/{finished.theirs.id}" not in listed
    sent = resident.post(f"/r/rate/{finished.ours.id}", {**RATING, "comment": "很及时"})
    assert sent.status_code == 302
    assert revisit_list(desk) == {finished.silent.id}  # the household that did not answer
    details = desk.get(f"/admin/work_order/details/?id={finished.ours.id}")
    assert "Online (the resident&#39;s own rating)" in details.get_data(as_text=True)
    with in_app():
        order = db.session.get(WorkOrder, finished.ours.id)
        assert order.status is S.revisited
        assert order.revisit_channel is RevisitChannel.online
        assert (order.rating_quality, order.satisfaction) == (4, Satisfaction.satisfied)
        assert order.revisited_by_id is None  # no member of staff called
        entry = (
            db.session.query(AuditRecord)
            .filter_by(entity_type="work_order", entity_id=order.id, action="revisit")
            .one()
        )
        assert entry.resident_actor_id == finished.resident_a.id and entry.actor_id is None
        month = periods.Period(
            clock.now() - timedelta(days=1), clock.now() + timedelta(days=1), "now"
        )
        groups = revisit_groups([finished.a.id], [month])
        assert sum(g.count for g in groups) == 1 and sum(g.satisfied for g in groups) == 1


def test_an_unsatisfied_rating_opens_the_follow_up_complaint(finished, resident_client, in_app):
    resident = resident_client(finished.resident_a)
    resident.post(f"/r/rate/{finished.ours.id}", {**RATING, "satisfaction": "unsatisfied"})
    with in_app():
        order = db.session.get(WorkOrder, finished.ours.id)
        followup = db.session.get(Ticket, order.followup_ticket_id)
        assert followup is not None and followup.received_by_id is None
        assert followup.unit_id == finished.unit_a.id


def test_another_households_order_cannot_be_rated(finished, resident_client, in_app):
    resident = resident_client(finished.resident_a)
    assert resident.get(f"/r/rate/{finished.theirs.id}").status_code == 404
    assert resident.post(f"/r/rate/{finished.theirs.id}", RATING).status_code == 404
    with in_app():
        assert db.session.get(WorkOrder, finished.theirs.id).status is S.closed


def test_an_order_rated_already_is_not_rated_twice(finished, resident_client, in_app):
    resident = resident_client(finished.resident_a)
    resident.post(f"/r/rate/{finished.ours.id}", RATING)
    again = resident.post(f"/r/rate/{finished.ours.id}", {**RATING, "satisfaction": "unsatisfied"})
    assert again.status_code == 302
    with in_app():
        order = db.session.get(WorkOrder, finished.ours.id)
        assert order.satisfaction is Satisfaction.satisfied and order.followup_ticket_id is None


def test_a_missing_rating_is_asked_for_and_nothing_is_recorded(finished, resident_client, in_app):
    resident = resident_client(finished.resident_a)
    partial = {k: v for k, v in RATING.items() if k != "rating_fee"}
    page = resident.post(f"/r/rate/{finished.ours.id}", partial)
    assert page.status_code == 200
    assert "Please answer every question." in page.get_data(as_text=True)
    with in_app():
        assert db.session.get(WorkOrder, finished.ours.id).status is S.closed


def test_the_rating_page_reads_in_chinese(finished, resident_client):
    resident = resident_client(finished.resident_a, lang="zh-CN")
    page = resident.get(f"/r/rate/{finished.ours.id}").get_data(as_text=True)
    assert "Timeliness" not in page and "Overall judgement" not in page


def test_a_rating_online_closes_the_call_the_order_was_made_from(
    finished, factories, resident_client, in_app
):
    """The resident answered for himself: he knows how it ended, and his call closes."""
    call = factories.ticket(
        finished.a,
        category=TicketCategory.repair,
        status=TicketStatus.resolved,
        unit_id=finished.unit_a.id,
        result="维修完工。",
    )
    with in_app():
        db.session.get(WorkOrder, finished.ours.id).ticket_id = call.id
        db.session.commit()
    resident = resident_client(finished.resident_a)
    assert resident.post(f"/r/rate/{finished.ours.id}", RATING).status_code == 302
    with in_app():
        closed = db.session.get(Ticket, call.id)
        assert closed.status is TicketStatus.closed
        assert closed.result.splitlines()[-1] == f"维修工单 {finished.ours.number} 已回访：满意。"
