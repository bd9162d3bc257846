"""The in-panel inbox: the unread count in the navigation bar, reading, opening the record,
and nobody reading anyone else's."""

from __future__ import annotations

import re
from datetime import datetime

from admin_app.extensions import db
from admin_app.models import Notification, TicketCategory

from ..conftest import statements_run
from ..reminders_support import office_time, staff_office, sweep_here

NOW = office_time(2026, 11, 23, 9, 0)


def badge(html: str) -> str | None:
    found = re.search(r'id="inbox-unread">([^<]+)<', html)
    return found.group(1) if found else None


def delivered(app, factories, time_machine, count=2, said=()):
    """An office whose receptionist has `count` callback warnings in the inbox (each call's
    description the next of `said`, when given)."""
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    descriptions = [{"description": text} for text in said] or [{}] * count
    tickets = [
        factories.ticket(
            office.world.a,
            category=TicketCategory.inquiry,
            callback_due_at=datetime(2026, 11, 23, 9, 30 + i),
            assignee_id=office.receptionist.id,
            **description,
        )
        for i, description in enumerate(descriptions)
    ]
    time_machine.move_to(office_time(2026, 11, 23, 9, 25), tick=False)
    sweep_here(app)
    return office, tickets


def notification_ids(in_app, staff) -> list[int]:
    with in_app():
        return [
            n.id
            for n in db.session.query(Notification)
            .filter_by(staff_id=staff.id)
            .order_by(Notification.id)
        ]


def test_unread_count_in_the_navigation_bar(app, factories, login, time_machine):
    office, _ = delivered(app, factories, time_machine)
    assert badge(login(office.receptionist).get("/admin/").get_data(as_text=True)) == "2"
    html = login(office.technician).get("/admin/").get_data(as_text=True)
    assert 'id="inbox-link"' in html and badge(html) is None  # nothing for him


def test_on_a_phone_the_count_is_beside_the_menu_button_not_folded_in_it(
    app, factories, login, time_machine
):
    office, _ = delivered(app, factories, time_machine)
    html = login(office.receptionist, lang="zh-CN").get("/admin/").get_data(as_text=True)
    bar = html[html.index("<nav") : html.index('id="admin-navbar-collapse"')]
    assert 'class="navbar-brand"' in bar  # the office's name, too
    phone = bar[bar.index('id="inbox-link-phone"') :]
    assert "消息" in phone and '<span class="badge badge-danger">2</span>' in phone
    html = login(office.technician).get("/admin/").get_data(as_text=True)
    assert 'id="inbox-link-phone"' not in html  # nothing to read: no bell in the way


def test_the_count_comes_with_the_signed_in_user_not_in_a_query_of_its_own(
    app, factories, login, time_machine
):
    """Every page shows the count, so it is read in the statement that loads the user."""
    office, _ = delivered(app, factories, time_machine)
    c = login(office.receptionist)
    with statements_run(app) as statements:
        html = c.get("/admin/ticket/").get_data(as_text=True)
    assert badge(html) == "2"
    reading = [s for s in statements if "notification" in s]
    assert len(reading) == 1 and "FROM staff" in reading[0], reading


def test_inbox_lists_the_reminders_in_the_readers_language(
    app, factories, login, in_app, time_machine
):
    office, tickets = delivered(app, factories, time_machine, count=1)
    html = login(office.receptionist).get("/admin/inbox/").get_data(as_text=True)
    assert f"Promised callback: {tickets[0].number}, due 2026-11-23 09:30" in html
    zh = login(office.receptionist, lang="zh-CN").get("/admin/inbox/").get_data(as_text=True)
    assert f"承诺回电：{tickets[0].number}，2026-11-23 09:30 到期" in zh


def test_opening_marks_read_and_goes_to_the_record(app, factories, login, in_app, time_machine):
    office, tickets = delivered(app, factories, time_machine)
    c = login(office.receptionist)
    first, second = notification_ids(in_app, office.receptionist)
    response = c.post(f"/admin/inbox/{first}/open")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/ticket/details/?id={tickets[0].id}")
    assert c.get(response.headers["Location"]).status_code == 200
    assert badge(c.get("/admin/").get_data(as_text=True)) == "1"
    c.post(f"/admin/inbox/{second}/read")
    assert badge(c.get("/admin/").get_data(as_text=True)) is None


def test_mark_all_read(app, factories, login, time_machine):
    office, _ = delivered(app, factories, time_machine, count=3)
    c = login(office.receptionist)
    page = c.post("/admin/inbox/read-all", follow_redirects=True).get_data(as_text=True)
    assert "3 notifications marked read." in page
    assert badge(page) is None


def test_marking_read_needs_the_csrf_token(app, factories, login, in_app, time_machine):
    office, _ = delivered(app, factories, time_machine, count=1)
    c = login(office.receptionist)
    [nid] = notification_ids(in_app, office.receptionist)
    assert c.post(f"/admin/inbox/{nid}/read", csrf=False).status_code == 400
    assert c.post("/admin/inbox/read-all", csrf=False).status_code == 400
    assert badge(c.get("/admin/").get_data(as_text=True)) == "1"


def test_nobody_reads_anyone_elses(app, factories, login, in_app, time_machine):
    office, _ = delivered(app, factories, time_machine, count=1)
    [nid] = notification_ids(in_app, office.receptionist)
    intruder = login(office.supervisor)
    assert intruder.post(f"/admin/inbox/{nid}/open").status_code == 404
    assert intruder.post(f"/admin/inbox/{nid}/read").status_code == 404
    intruder.post("/admin/inbox/read-all")
    assert badge(login(office.receptionist).get("/admin/").get_data(as_text=True)) == "1"
    assert "Promised callback" not in intruder.get("/admin/inbox/").get_data(as_text=True)


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/inbox/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_stored_link_elsewhere_is_not_followed(app, factories, login, in_app):
    world = factories.two_estates()
    person = factories.staff("receptionist", estates=[world.a])
    with in_app():
        row = Notification(staff_id=person.id, title="看这里", link="//evil.example.com/")
        db.session.add(row)
        db.session.commit()
        nid = row.id
    response = login(person).post(f"/admin/inbox/{nid}/open")
    assert response.headers["Location"].endswith("/admin/inbox/")


def test_a_long_neglected_inbox_shows_99_plus(app, factories, login, in_app):
    world = factories.two_estates()
    person = factories.staff("receptionist", estates=[world.a])
    with in_app():
        db.session.add_all(
            Notification(staff_id=person.id, title=f"提醒 {i}", link="/admin/") for i in range(120)
        )
        db.session.commit()
    c = login(person)
    assert badge(c.get("/admin/").get_data(as_text=True)) == "99+"
    older = c.get("/admin/inbox/?page=1").get_data(as_text=True)
    assert "提醒 94" in older and "提醒 119" not in older


def test_the_phone_pages_show_the_inbox_and_its_count(app, factories, login, in_app, time_machine):
    """A technician works from his phone page: the order dispatched to him is counted there,
    and the count goes once he has read it. The guard's gate page has the inbox too."""
    from admin_app.models import Role, Staff, Trade, WorkOrder, WorkOrderStatus
    from admin_app.work_orders import operations as work_orders

    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    plumber = factories.staff(Role.technician, estates=[office.world.a], trades=["plumbing"])
    order = factories.work_order(
        office.world.a,
        status=WorkOrderStatus.new,
        trade=Trade.plumbing,
        description="卫生间地漏返味",
    )
    tech = login(plumber)
    html = tech.get("/tech/").get_data(as_text=True)
    assert 'id="inbox-link"' in html and 'href="/admin/inbox/"' in html and badge(html) is None

    with in_app():
        work_orders.dispatch(
            db.session.get(WorkOrder, order.id),
            db.session.get(Staff, office.supervisor.id),
            technician=db.session.get(Staff, plumber.id),
            appointment_at=datetime(2026, 11, 23, 14, 0),
        )
        db.session.commit()
    assert badge(tech.get("/tech/").get_data(as_text=True)) == "1"
    zh = login(plumber, lang="zh-CN").get("/tech/").get_data(as_text=True)
    assert re.search(r'id="inbox-link">消息 <span', zh), zh
    # Its entry says what the order is about, as the office's inbox does.
    inbox_page = login(plumber, lang="zh-CN").get("/admin/inbox/").get_data(as_text=True)
    assert re.findall(r'class="inbox-gist small">([^<]*)<', inbox_page) == ["卫生间地漏返味"]

    tech.post("/admin/inbox/read-all")
    assert badge(tech.get("/tech/").get_data(as_text=True)) is None
    gate = login(office.guard).get("/gate/").get_data(as_text=True)
    assert 'id="inbox-link"' in gate


def test_each_entry_says_what_its_record_is_about(app, factories, login, time_machine):
    """An entry ("promised callback: HY-T…") alone does not say which call: each carries the
    first words of its record's description on a line of its own, escaped, cut on one line."""
    said = ["询问 <b>装修</b> 申请材料", "楼上漏水\n\n已经  三天了" + "，很急" * 20, " \n "]
    office, tickets = delivered(app, factories, time_machine, said=said)
    html = login(office.receptionist, lang="zh-CN").get("/admin/inbox/").get_data(as_text=True)
    entries = {
        number: re.search(rf"{number}.*?</li>", html, re.S).group(0)
        for number in (t.number for t in tickets)
    }
    gists = [re.findall(r'class="inbox-gist small">([^<]*)<', entries[t.number]) for t in tickets]
    assert gists[0] == ["询问 &lt;b&gt;装修&lt;/b&gt; 申请材料"]
    assert gists[1][0].startswith("楼上漏水 已经 三天了，很急") and len(gists[1][0]) <= 40
    assert gists[1][0].endswith("…")
    assert gists[2] == []  # a record that says nothing (blanks) has no such line
