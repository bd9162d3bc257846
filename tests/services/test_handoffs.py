"""Every hand-off is heard: a new complaint, an escalation, a serious complaint, an unsatisfied
revisit's follow-up, an assignment and a dispatch each put exactly one entry in the inbox of
each person it passes to — and none in anyone else's (the other estate, the other roles) —
however often the notification, the delivery job or the sweep runs again."""

from __future__ import annotations

from datetime import datetime

import pytest
from werkzeug.datastructures import MultiDict

from admin_app.extensions import db
from admin_app.jobs import reminders as reminder_jobs
from admin_app.models import (
    BatchRun,
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    Reminder,
    ReminderDelivery,
    Role,
    Satisfaction,
    Severity,
    Staff,
    Ticket,
    TicketCategory,
    TicketStatus,
    Trade,
    Validity,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.panel.actions.core import perform_batch
from admin_app.services import handoffs
from admin_app.services.reminders import channels
from admin_app.services.reminders.handoff_kinds import NEW_COMPLAINT
from admin_app.tickets import complaints
from admin_app.tickets import operations as tickets
from admin_app.work_orders import operations as work_orders
from admin_app.work_orders.actions import WORK_ORDER_ACTIONS, prepare_dispatch
from admin_app.work_orders.forms import DispatchForm

from ..reminders_support import inbox, office_time, staff_office, sweep_here

NOW = office_time(2026, 11, 23, 9, 0)
C, T = TicketCategory, TicketStatus
RATINGS = {name: 3 for name in work_orders.RATINGS}


@pytest.fixture
def office(factories, time_machine):
    """staff_office's two estates, with a second supervisor and a plumber in A and a director
    of every estate (who belongs to none)."""
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    office.supervisor2 = factories.staff(Role.supervisor, estates=[office.world.a])
    office.plumber = factories.staff(Role.technician, estates=[office.world.a], trades=["plumbing"])
    office.company_director = factories.staff(Role.director, all_estates=True)
    return office


def heard(in_app, office) -> dict[str, list[tuple[str, int]]]:
    """Whoever has anything in the inbox: (what, which record) of each entry."""
    people = {name: p for name, p in vars(office).items() if isinstance(p, Staff)}
    found = {}
    for name, person in people.items():
        entries = [(rule, entity_id) for rule, _, _, entity_id in inbox(in_app, person)]
        if entries:
            found[name] = entries
    return found


def complaint(factories, office, **fields):
    return factories.ticket(office.world.a, category=C.complaint, **fields)


def act(in_app, verb, record_id: int, actor: Staff, model=Ticket):
    """Run a verb as the actor, and commit (as a screen or a batch does)."""
    with in_app():
        record = db.session.get(model, record_id)
        result = verb(record, db.session.get(Staff, actor.id))
        db.session.commit()
        return result.id if result is not None else None


def repeat(in_app, tell, record_id: int, model=Ticket) -> None:
    """The notification of the same event run again (a retry), in a new transaction."""
    with in_app():
        tell(db.session.get(model, record_id))
        db.session.commit()


# ---- a new complaint ------------------------------------------------------------------------
def test_a_new_complaint_reaches_each_supervisor_of_its_estate_once(app, factories, in_app, office):
    ticket = complaint(factories, office)
    once = {"supervisor": [("handoff_complaint", ticket.id)]}
    once["supervisor2"] = once["supervisor"]
    assert heard(in_app, office) == once

    # The same announcement again, the complaint saved again, the sweep: nothing more.
    repeat(
        in_app,
        lambda t: handoffs.tell(t, NEW_COMPLAINT, "complaint", role=Role.supervisor),
        ticket.id,
    )
    act(
        in_app,
        lambda t, a: setattr(t, "description", "楼道堆放杂物，第二次来电"),
        ticket.id,
        office.receptionist,
    )
    sweep_here(app)
    assert heard(in_app, office) == once


def test_a_complaint_logged_on_the_form_is_announced_with_its_number(
    factories, in_app, office, login
):
    desk = login(office.receptionist)
    form = {
        "estate": office.world.a.id,
        "category": "complaint",
        "channel": "phone",
        "reporter_name": "李女士",
        "reporter_phone": "13900001111",
        "description": "保洁员态度恶劣",
        "complaint_code": "service_attitude",
    }
    assert desk.post("/admin/ticket/new/", form).status_code == 302
    with in_app():
        ticket = db.session.query(Ticket).one()
    assert heard(in_app, office) == {
        "supervisor": [("handoff_complaint", ticket.id)],
        "supervisor2": [("handoff_complaint", ticket.id)],
    }
    page = login(office.supervisor).get("/admin/inbox/").get_data(as_text=True)
    assert f"New complaint {ticket.number}: classify it and take it up." in page


def test_other_tickets_and_past_complaints_are_not_announced(factories, in_app, office):
    factories.ticket(office.world.a, category=C.inquiry)
    factories.ticket(office.world.a, category=C.repair)
    complaint(factories, office, status=T.closed, result="已处理")  # an old one, typed in later
    assert heard(in_app, office) == {}


def test_a_ticket_that_turns_out_to_be_a_complaint_is_announced_then(factories, in_app, office):
    ticket = factories.ticket(office.world.a, category=C.inquiry)
    act(in_app, lambda t, a: setattr(t, "category", C.complaint), ticket.id, office.receptionist)
    assert heard(in_app, office)["supervisor"] == [("handoff_complaint", ticket.id)]


# ---- escalated, serious ---------------------------------------------------------------------
def test_escalating_tells_the_supervisors_once_and_the_complaint_goes_on(factories, in_app, office):
    ticket = complaint(factories, office)
    act(
        in_app,
        lambda t, a: tickets.escalate(t, a, note="业主情绪激动"),
        ticket.id,
        office.receptionist,
    )
    repeat(in_app, handoffs.escalated, ticket.id)
    told = [("handoff_complaint", ticket.id), ("handoff_escalated", ticket.id)]
    assert heard(in_app, office) == {"supervisor": told, "supervisor2": told}

    # Still a complaint to classify; escalated again later, the supervisors hear again.
    classify = lambda t, a: complaints.classify(  # noqa: E731
        t, a, severity=Severity.ordinary, validity=Validity.valid
    )
    act(in_app, classify, ticket.id, office.supervisor)
    act(in_app, lambda t, a: tickets.escalate(t, a), ticket.id, office.receptionist)
    with in_app():
        assert db.session.get(Ticket, ticket.id).status is T.escalated
    told = told + [("handoff_escalated", ticket.id)]
    assert heard(in_app, office) == {"supervisor": told, "supervisor2": told}


@pytest.mark.parametrize("category", [C.inquiry, C.help, C.suggestion, C.repair])
def test_any_ticket_can_be_passed_up_to_the_supervisors(factories, in_app, office, category):
    ticket = factories.ticket(office.world.a, category=category)
    act(in_app, lambda t, a: tickets.escalate(t, a), ticket.id, office.receptionist)
    told = [("handoff_escalated", ticket.id)]
    assert heard(in_app, office) == {"supervisor": told, "supervisor2": told}


def test_an_escalated_repair_can_still_become_a_work_order(factories, in_app, office):
    ticket = factories.ticket(office.world.a, category=C.repair, status=T.escalated)
    act(in_app, lambda t, a: tickets.create_from_ticket(t, a), ticket.id, office.supervisor)
    with in_app():
        assert db.session.query(WorkOrder).one().ticket_id == ticket.id


def test_a_serious_complaint_reaches_the_directors_once(factories, in_app, office):
    ticket = complaint(factories, office)
    serious = lambda t, a: complaints.classify(  # noqa: E731
        t, a, severity=Severity.serious, validity=Validity.valid
    )
    act(in_app, serious, ticket.id, office.supervisor)
    act(in_app, serious, ticket.id, office.director)  # classified again: nothing new
    repeat(in_app, handoffs.serious, ticket.id)
    found = heard(in_app, office)
    assert (
        found.pop("director") == found.pop("company_director") == [("handoff_serious", ticket.id)]
    )
    assert set(found) == {"supervisor", "supervisor2"}  # (the new complaint only)


def test_an_ordinary_complaint_tells_no_director(factories, in_app, office):
    ticket = complaint(factories, office)
    ordinary = lambda t, a: complaints.classify(  # noqa: E731
        t, a, severity=Severity.ordinary, validity=Validity.invalid
    )
    act(in_app, ordinary, ticket.id, office.supervisor)
    assert set(heard(in_app, office)) == {"supervisor", "supervisor2"}


# ---- an unsatisfied revisit ---------------------------------------------------------------
def test_an_unsatisfied_revisit_tells_the_supervisors_of_the_followup_once(
    factories, in_app, office
):
    order = factories.work_order(office.world.a, status=WorkOrderStatus.closed)
    revisit = lambda o, a: work_orders.mark_revisited(  # noqa: E731
        o, a, ratings=RATINGS, satisfaction=Satisfaction.unsatisfied, comment="还在漏水"
    )
    followup = act(in_app, revisit, order.id, office.receptionist, model=WorkOrder)
    told = [("handoff_followup", followup)]  # as a follow-up, not a second "new complaint"
    assert heard(in_app, office) == {"supervisor": told, "supervisor2": told}


# ---- assigned, dispatched -------------------------------------------------------------------
def test_whoever_a_ticket_is_assigned_to_is_told_once(factories, in_app, office):
    ticket = factories.ticket(office.world.a, category=C.help)

    def to(person):
        return lambda t, a: tickets.assign(t, a, assignee=db.session.get(Staff, person.id))

    act(in_app, to(office.receptionist), ticket.id, office.supervisor)
    act(in_app, to(office.receptionist), ticket.id, office.supervisor)  # submitted twice
    with in_app():
        record = db.session.get(Ticket, ticket.id)
        handoffs.assigned(record, db.session.get(Staff, office.supervisor.id), None)  # retried
        db.session.commit()
    assert heard(in_app, office) == {"receptionist": [("handoff_assigned", ticket.id)]}

    act(in_app, to(office.supervisor2), ticket.id, office.supervisor)
    act(in_app, to(office.supervisor), ticket.id, office.supervisor)  # takes it himself
    act(in_app, to(office.receptionist), ticket.id, office.supervisor)  # and back: told again
    assert heard(in_app, office) == {
        "receptionist": [("handoff_assigned", ticket.id)] * 2,
        "supervisor2": [("handoff_assigned", ticket.id)],
    }


def test_the_technician_a_work_order_is_dispatched_to_is_told_once(factories, in_app, office):
    order = factories.work_order(office.world.a, status=WorkOrderStatus.new, trade=Trade.plumbing)
    at = datetime(2026, 11, 23, 14, 0)

    def dispatch(o, a):
        plumber = db.session.get(Staff, office.plumber.id)
        work_orders.dispatch(o, a, technician=plumber, appointment_at=at)

    act(in_app, dispatch, order.id, office.receptionist, model=WorkOrder)
    act(in_app, dispatch, order.id, office.receptionist, model=WorkOrder)  # a double submit
    with in_app():  # the notification retried
        record = db.session.get(WorkOrder, order.id)
        handoffs.dispatched(record, (None, None))
        db.session.commit()
    assert heard(in_app, office) == {"plumber": [("handoff_dispatched", order.id)]}
    with in_app():
        told = db.session.query(Reminder).filter_by(rule="handoff_dispatched").one()
        assert told.deadline_at == at  # "be there by 14:00"

    at = datetime(2026, 11, 23, 16, 0)  # the appointment moved: he hears of it
    act(in_app, dispatch, order.id, office.receptionist, model=WorkOrder)
    assert heard(in_app, office) == {"plumber": [("handoff_dispatched", order.id)] * 2}


def test_a_batch_dispatch_tells_each_technician_once(factories, in_app, office, login):
    """(tests/panel/test_batch_handoffs.py: how the one message reads, and batches on a
    worker.)"""
    orders = [
        factories.work_order(office.world.a, status=WorkOrderStatus.new, trade=Trade.plumbing)
        for _ in range(3)
    ]
    ids = ",".join(str(o.id) for o in orders)
    form = {"technician": office.plumber.id, "appointment_at": "2026-11-23T15:00"}
    response = login(office.supervisor).post(f"/admin/work_order/act/dispatch/?ids={ids}", form)
    assert response.status_code == 302
    with in_app():
        batch_id = db.session.query(BatchRun.id).scalar()
    assert heard(in_app, office) == {"plumber": [("handoff_dispatched", batch_id)]}


def test_a_dispatch_chunk_run_again_tells_nobody_twice(app, factories, in_app, office):
    """A batch chunk handed out again (its job lost after the work was done): the same orders
    to the same plumber at the same time."""
    orders = [
        factories.work_order(office.world.a, status=WorkOrderStatus.new, trade=Trade.plumbing)
        for _ in range(2)
    ]
    action = next(a for a in WORK_ORDER_ACTIONS if a.name == "dispatch")
    params = MultiDict({"technician": office.plumber.id, "appointment_at": "2026-11-23T15:00"})
    for _ in range(2):
        with app.test_request_context(), in_app():
            records = db.session.query(WorkOrder).order_by(WorkOrder.id).all()
            form = DispatchForm(formdata=params, meta={"csrf": False})
            prepare_dispatch(form, records)
            assert form.validate(), form.errors
            done, failed = perform_batch(
                action, records, db.session.get(Staff, office.supervisor.id), form
            )
            db.session.flush()
            db.session.commit()
            assert (done, failed) == (2, [])
    assert heard(in_app, office) == {"plumber": [("handoff_dispatched", o.id) for o in orders]}


# ---- delivery: retried jobs, e-mail and SMS ---------------------------------------------------
def test_a_delivery_job_run_again_writes_nothing_more(app, factories, in_app, office):
    ticket = complaint(factories, office)
    with in_app():
        reminder_id = db.session.query(Reminder.id).filter_by(entity_id=ticket.id).scalar()
    for _ in range(2):
        with app.app_context():
            assert reminder_jobs.deliver_reminder(reminder_id) is False
    assert heard(in_app, office)["supervisor"] == [("handoff_complaint", ticket.id)]


class Outbox:
    """Stands in for the SMTP server and the SMS provider: records what leaves, no network."""

    mail: list = []
    texts: list = []

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message):
        Outbox.mail.append(message["To"])

    def send(self, phone, text):
        Outbox.texts.append(phone)


@pytest.fixture
def outbound(app, in_app, office, monkeypatch):
    Outbox.mail, Outbox.texts = [], []
    monkeypatch.setattr(channels.Mailer, "smtp_class", Outbox)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.com")
    monkeypatch.setitem(channels.SMS_PROVIDERS, "test", Outbox)
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "test")
    with in_app():
        for n, person in enumerate((office.supervisor, office.supervisor_b, office.receptionist)):
            row = db.session.get(Staff, person.id)
            row.email, row.phone = f"staff{n}@example.com", f"1380000000{n}"
        db.session.commit()
    return Outbox


def test_email_and_sms_leave_with_the_next_sweep_once(app, factories, in_app, office, outbound):
    complaint(factories, office)
    assert outbound.mail == outbound.texts == []  # the inbox at once; the rest by the sweep
    for _ in range(3):
        sweep_here(app)
    # Only the supervisor of estate A with an address; never estate B's, nor the desk's.
    assert (outbound.mail, outbound.texts) == (["staff0@example.com"], ["13800000000"])
    with in_app():
        sent = db.session.query(ReminderDelivery.channel, ReminderDelivery.status).all()
    assert sorted(sent) == sorted(
        [(DeliveryChannel.inbox, DeliveryStatus.sent)] * 2
        + [(DeliveryChannel.email, DeliveryStatus.sent), (DeliveryChannel.sms, DeliveryStatus.sent)]
    )


def test_an_assignment_is_not_texted(app, factories, in_app, office, outbound):
    ticket = factories.ticket(office.world.a, category=C.help)
    assign = lambda t, a: tickets.assign(  # noqa: E731
        t, a, assignee=db.session.get(Staff, office.receptionist.id)
    )
    act(in_app, assign, ticket.id, office.supervisor)
    sweep_here(app)
    assert (outbound.mail, outbound.texts) == (["staff2@example.com"], [])


def test_nobody_to_tell_is_recorded_not_lost(factories, in_app, office):
    estate = factories.estate(code="CC", name="丙小区")  # no supervisor works there yet
    ticket = factories.ticket(estate, category=C.complaint)
    with in_app():
        reminder = db.session.query(Reminder).filter_by(entity_id=ticket.id).one()
        assert (reminder.rule, reminder.last_error) == ("handoff_complaint", "no_recipient")
    assert heard(in_app, office) == {}


def test_a_followup_names_itself_in_the_inbox(factories, in_app, office, login):
    order = factories.work_order(office.world.a, status=WorkOrderStatus.closed)
    revisit = lambda o, a: work_orders.mark_revisited(  # noqa: E731
        o, a, ratings=RATINGS, satisfaction=Satisfaction.unsatisfied
    )
    followup = act(in_app, revisit, order.id, office.receptionist, model=WorkOrder)
    with in_app():
        number = db.session.get(Ticket, followup).number
    page = login(office.supervisor, lang="zh-CN").get("/admin/inbox/").get_data(as_text=True)
    assert f"跟进投诉 {number}：住户在维修回访中表示不满意。" in page


def test_a_step_on_the_record_reads_what_the_inbox_said_about_it(factories, in_app, office, login):
    """Dispatched an order, the plumber goes there from his list, not from the inbox: once he
    marks himself arrived, "dispatched to you" no longer counts as unread; what it said about
    another order, and what it told someone else, still do."""
    from admin_app.services import inbox as staff_inbox

    orders = [
        factories.work_order(office.world.a, status=WorkOrderStatus.new, trade=Trade.plumbing)
        for _ in range(2)
    ]
    for order in orders:
        dispatch = lambda o, a: work_orders.dispatch(  # noqa: E731
            o,
            a,
            technician=db.session.get(Staff, office.plumber.id),
            appointment_at=datetime(2026, 11, 23, 15, 0),
        )
        act(in_app, dispatch, order.id, office.supervisor, model=WorkOrder)
    with in_app():
        assert staff_inbox.unread_count(office.plumber.id) == 2
    act(in_app, work_orders.arrive, orders[0].id, office.plumber, model=WorkOrder)
    with in_app():
        assert staff_inbox.unread_count(office.plumber.id) == 1
        page = login(office.plumber).get("/admin/inbox/").get_data(as_text=True)
        assert page.count("list-group-item-warning inbox-unread") == 1
        assert '<span class="badge badge-danger" id="inbox-unread">1</span>' in page


def test_a_technician_opens_a_dispatched_order_on_his_phone_page(factories, in_app, office, login):
    """From his inbox, "open" leads the plumber to the order's card on his own page, where its
    steps are; a supervisor's entry about an order still opens the order's page."""
    order = factories.work_order(office.world.a, status=WorkOrderStatus.new, trade=Trade.plumbing)
    dispatch = lambda o, a: work_orders.dispatch(  # noqa: E731
        o,
        a,
        technician=db.session.get(Staff, office.plumber.id),
        appointment_at=datetime(2026, 11, 23, 15, 0),
    )
    act(in_app, dispatch, order.id, office.supervisor, model=WorkOrder)
    plumber = login(office.plumber)
    with in_app():
        entry = db.session.query(Notification.id).filter_by(staff_id=office.plumber.id).scalar()
    opened = plumber.post(f"/admin/inbox/{entry}/open")
    assert opened.headers["Location"] == f"/tech/#order-{order.id}"
    assert f'id="order-{order.id}"' in plumber.get("/tech/").get_data(as_text=True)
    hand_back = lambda o, a: work_orders.hand_back(o, a, reason="缺配件")  # noqa: E731
    act(in_app, hand_back, order.id, office.plumber, model=WorkOrder)
    with in_app():
        entry = db.session.query(Notification.id).filter_by(staff_id=office.supervisor.id).scalar()
    opened = login(office.supervisor).post(f"/admin/inbox/{entry}/open")
    assert opened.headers["Location"] == f"/admin/work_order/details/?id={order.id}"
