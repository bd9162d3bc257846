"""Applications reach whoever decides them: the dashboard's "waiting for approval" cards (for
those who may approve) and the hand-offs — registered at the desk, the approver hears of it;
decided, the staff member who registered it hears of it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    Estate,
    Notification,
    PassStatus,
    ReleaseApprover,
    ReleasePass,
    Reminder,
    Renovation,
    RenovationStatus,
    Role,
    Staff,
    WorkerPass,
)
from admin_app.passes import operations as passes
from admin_app.renovations import operations as renovations

R = RenovationStatus
TO_APPROVE, DECIDED = "handoff_to_approve", "handoff_decided"


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    w.renovation = factories.renovation(
        w.a, w.unit_a, status=R.in_progress, permit_valid_until=clock.today() + timedelta(days=40)
    )
    return w


def day(offset: int = 0) -> str:
    return (clock.today() + timedelta(days=offset)).isoformat()


def told(in_app, staff, rule) -> int:
    with in_app():
        return (
            db.session.query(Notification)
            .join(Reminder)
            .filter(Notification.staff_id == staff.id, Reminder.rule == rule)
            .count()
        )


def register_worker(c, world):
    form = {
        "estate": world.a.id,
        "renovation": world.renovation.id,
        "worker_name": "钱工",
        "phone": "13912345678",
        "company": "安居装饰",
        "valid_from": day(),
        "valid_until": day(30),
    }
    assert c.post("/admin/worker_pass/new/", form).status_code == 302


def test_a_worker_pass_registered_tells_the_supervisor_and_its_approval_the_desk(
    login, in_app, world
):
    register_worker(login(world.reception), world)
    assert told(in_app, world.supervisor, TO_APPROVE) == 1
    assert told(in_app, world.reception, TO_APPROVE) == 0
    with in_app():
        record_id = db.session.query(WorkerPass.id).filter_by(worker_name="钱工").scalar()
    boss = login(world.supervisor)
    url = f"/admin/worker_pass/act/approve/?id={record_id}"
    response = boss.post(url, {"ids": record_id, "valid_from": day(), "valid_until": day(30)})
    assert response.status_code == 302
    assert told(in_app, world.reception, DECIDED) == 1
    assert told(in_app, world.supervisor, DECIDED) == 0


def test_a_renovation_registered_tells_the_supervisor_and_the_permit_the_desk(login, in_app, world):
    form = {
        "estate": world.a.id,
        "unit": world.unit_a.id,
        "owner": world.resident_a.id,
        "scope": "卫生间防水",
        "planned_start": day(3),
        "planned_end": day(33),
    }
    assert login(world.reception).post("/admin/renovation/new/", form).status_code == 302
    assert told(in_app, world.supervisor, TO_APPROVE) == 1
    with in_app():
        renovation = db.session.query(Renovation).filter_by(scope="卫生间防水").one()
        supervisor = db.session.get(Staff, world.supervisor.id)
        renovations.issue_permit(
            renovation, supervisor, valid_until=None, agreement_signed=True, deposit_received=True
        )
        db.session.commit()
    assert told(in_app, world.reception, DECIDED) == 1


def test_a_release_slip_goes_to_the_desk_where_the_desk_approves(factories, in_app, world):
    with in_app():
        db.session.get(Estate, world.a.id).release_approver = ReleaseApprover.receptionist
        db.session.commit()
    with in_app():
        release = ReleasePass(
            estate_id=world.a.id,
            unit_id=world.unit_a.id,
            applicant_name="王五",
            items="冰箱一台",
            moving_date=clock.today() + timedelta(days=2),
            number="RP-TEST-1",
        )
        db.session.add(release)
        passes.announce_application(release)
        db.session.commit()
    assert told(in_app, world.reception, TO_APPROVE) == 1
    assert told(in_app, world.supervisor, TO_APPROVE) == 0


@pytest.mark.parametrize(
    ("lang", "title"),
    [("en", "Worker passes waiting for approval"), ("zh-CN", "待审批的施工人员出入证")],
)
def test_the_dashboard_card_shows_waiting_passes_to_those_who_approve(
    factories, login, world, lang, title
):
    waiting = factories.worker_pass(world.a, world.renovation, worker_name="孙工")
    factories.worker_pass(world.a, world.renovation, status=PassStatus.approved)
    factories.renovation(world.a, world.unit_a)  # applied: waiting for the permit
    page = login(world.supervisor, lang=lang).get("/admin/").get_data(as_text=True)
    assert title in page
    card = page.split('id="queue-worker_passes_to_approve"')[1].split('id="queue-')[0]
    assert "flt0_queue=worker_passes_to_approve" in card
    assert ">1</a>" in card and waiting.number in card
    renovation_card = page.split('id="queue-renovations_to_approve"')[1].split('id="queue-')[0]
    assert ">1</a>" in renovation_card
    desk = login(world.reception, lang=lang).get("/admin/").get_data(as_text=True)
    assert "queue-worker_passes_to_approve" not in desk
    assert "queue-renovations_to_approve" not in desk


def test_the_cards_link_opens_the_waiting_list(factories, login, world):
    waiting = factories.worker_pass(world.a, world.renovation, worker_name="孙工")
    approved = factories.worker_pass(world.a, world.renovation, status=PassStatus.approved)
    page = (
        login(world.supervisor)
        .get("/admin/worker_pass/?flt0_queue=worker_passes_to_approve")
        .get_data(as_text=True)
    )
    assert waiting.number in page and approved.number not in page


def test_the_desk_sees_release_slips_to_approve_only_where_the_desk_decides(
    factories, login, in_app, world
):
    """In estate A a supervisor decides release slips, in B the desk: the desk's card counts
    B's slip only, and a desk of A alone has no such card; A's supervisor still sees A's."""
    with in_app():
        db.session.get(Estate, world.b.id).release_approver = ReleaseApprover.receptionist
        db.session.commit()
    slip_a = factories.release_pass(world.a, world.unit_a, number="RP-A-1")
    slip_b = factories.release_pass(world.b, world.unit_b, number="RP-B-1")
    both = login(factories.staff(Role.receptionist, estates=[world.a, world.b]))
    page = both.get("/admin/").get_data(as_text=True)
    card = page.split('id="queue-release_passes_to_approve"')[1].split('id="queue-')[0]
    assert ">1</a>" in card and slip_b.number in card and slip_a.number not in card
    queue = both.get("/admin/release_pass/?flt0_queue=release_passes_to_approve")
    listed = queue.get_data(as_text=True)
    assert slip_b.number in listed and slip_a.number not in listed
    desk_a = login(world.reception).get("/admin/").get_data(as_text=True)
    assert "queue-release_passes_to_approve" not in desk_a
    boss = login(world.supervisor).get("/admin/").get_data(as_text=True)
    boss_card = boss.split('id="queue-release_passes_to_approve"')[1].split('id="queue-')[0]
    assert ">1</a>" in boss_card and slip_a.number in boss_card
