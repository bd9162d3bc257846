"""A caller asks for someone who is out (留言转告): the desk takes the message from the call
page — the caller filled in when found — and the person hears of it at once, in the inbox and
by text, with the number to call back; he marks it done from the inbox. Nobody else reads the
number whole; the message is forgotten a while after it was dealt with."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    DeliveryChannel,
    MessageStatus,
    Notification,
    ReminderDelivery,
    Role,
    Staff,
    StaffMessage,
)
from admin_app.retention import jobs as retention
from admin_app.services.reminders.channels import MemorySmsProvider

from ..reminders_support import sweep_here


@pytest.fixture
def office(factories, in_app):
    w = factories.two_estates()
    w.desk = factories.staff(Role.receptionist, estates=[w.a], name="前台小周")
    w.plumber = factories.staff(Role.technician, estates=[w.a], trades=["plumbing"], name="王师傅")
    w.colleague = factories.staff(Role.technician, estates=[w.a], name="李师傅")
    w.elsewhere = factories.staff(Role.technician, estates=[w.b], name="赵师傅")
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a], name="陈主管")
    w.caller = factories.resident(w.unit_a, name="张阿姨", phone="13812345678")
    with in_app():
        db.session.get(Staff, w.plumber.id).phone = "13900000001"
        db.session.commit()
    return w


def take(client, office, **fields):
    form = {"for_staff": office.plumber.id, "text": "热水器又漏了，请回电", "call_back": "y"}
    return client.post(f"/admin/staff_message/new/?resident={office.caller.id}", {**form, **fields})


def stored(in_app) -> list[StaffMessage]:
    with in_app():
        found = db.session.query(StaffMessage).order_by(StaffMessage.id).all()
        db.session.expunge_all()
        return found


def test_the_call_page_opens_the_message_with_the_caller_filled_in(office, login):
    desk = login(office.desk)
    page = desk.get("/admin/ticket/call/?q=1381234").get_data(as_text=True)
    link = re.search(r'id="call-\d+-message" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    form = desk.get(link).get_data(as_text=True)
    assert 'value="张阿姨"' in form and 'value="13812345678"' in form
    offered = re.findall(r'<option value="(\d+)">([^<]+)</option>', form)
    names = [label for _, label in offered]
    assert any("王师傅" in n for n in names) and any("陈主管" in n for n in names)
    assert not any("赵师傅" in n or "前台小周" in n for n in names)  # another estate's; herself


def test_the_person_hears_at_once_with_the_number_to_call(app, office, login, in_app, monkeypatch):
    texts = MemorySmsProvider.sent
    texts.clear()
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "memory")
    response = take(login(office.desk), office, url="/admin/ticket/call/?q=1381234")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/ticket/call/?q=1381234")
    [message] = stored(in_app)
    assert (message.caller_name, message.caller_phone) == ("张阿姨", "13812345678")
    assert message.unit_id == office.caller.unit_id and message.taken_by_id == office.desk.id
    with in_app():
        title = db.session.query(Notification.title).filter_by(staff_id=office.plumber.id).one()[0]
    assert "13812345678" in title and "热水器又漏了" in title
    for _ in range(2):
        sweep_here(app)
    assert [phone for phone, _ in texts] == ["13900000001"]
    assert "13812345678" in texts[0][1]
    with in_app():
        sms = db.session.query(ReminderDelivery).filter_by(channel=DeliveryChannel.sms).one()
        assert sms.staff_id == office.plumber.id


def test_he_calls_back_and_marks_it_done_from_his_phone(office, login, in_app):
    take(login(office.desk), office)
    [message] = stored(in_app)
    tech = login(office.plumber)
    assert re.search(r'id="inbox-unread">1<', tech.get("/tech/").get_data(as_text=True))
    inbox = tech.get("/admin/inbox/").get_data(as_text=True)
    entry = re.search(r'action="(/admin/inbox/\d+/open)"', inbox).group(1)
    page_url = tech.post(entry).headers["Location"]
    page = tech.get(page_url).get_data(as_text=True)
    assert 'href="tel:13812345678"' in page and 'id="message-done"' in page
    # His phone's frame, not the office's: its bar leads back to his work orders.
    for html in (inbox, page):
        assert 'class="phone-page' in html and 'href="/tech/"' in html
        assert "navbar-nav" not in html  # no office menu
    done = tech.post(f"/admin/staff_message/done/?id={message.id}", {"note": "已约明早九点上门"})
    assert done.status_code == 302
    [message] = stored(in_app)
    assert message.status is MessageStatus.done and message.done_by_id == office.plumber.id
    assert message.done_note == "已约明早九点上门"
    assert 'id="inbox-unread"' not in tech.get("/tech/").get_data(as_text=True)
    again = tech.post(f"/admin/staff_message/done/?id={message.id}", follow_redirects=True)
    assert "already dealt with this message" in again.get_data(as_text=True)
    assert 'id="message-dealt-with"' in again.get_data(as_text=True)
    assert 'href="/admin/inbox/" id="back-to-inbox"' in again.get_data(as_text=True)  # on from it
    office_page = login(office.desk).get(page_url).get_data(as_text=True)
    assert 'class="phone-page' not in office_page and "已约明早九点上门" in office_page


def test_whoever_took_it_hears_it_was_dealt_with(office, login, in_app):
    desk = login(office.desk)
    take(desk, office)
    [message] = stored(in_app)
    login(office.plumber).post(f"/admin/staff_message/done/?id={message.id}", {"note": "已回电"})
    with in_app():
        [title] = db.session.scalars(
            db.select(Notification.title).filter_by(staff_id=office.desk.id)
        ).all()
    assert title.startswith("您记录的留言已处理") and "张阿姨" in title  # the office's language
    inbox = desk.get("/admin/inbox/").get_data(as_text=True)
    entry = re.search(r'action="(/admin/inbox/\d+/open)"', inbox).group(1)
    page = desk.get(desk.post(entry).headers["Location"]).get_data(as_text=True)
    assert "已回电" in page and "王师傅" in page  # the note, and who dealt with it


def test_nobody_is_told_of_a_message_they_closed_themselves(office, login, in_app):
    supervisor = login(office.supervisor)
    take(supervisor, office)
    [message] = stored(in_app)
    supervisor.post(f"/admin/staff_message/done/?id={message.id}")
    with in_app():
        told = db.session.query(Notification).filter_by(staff_id=office.supervisor.id).count()
    assert told == 0 and stored(in_app)[0].status is MessageStatus.done


def test_nobody_else_reads_the_number_or_closes_it(office, login, in_app):
    take(login(office.desk), office)
    [message] = stored(in_app)
    colleague = login(office.colleague)
    assert colleague.get(f"/admin/staff_message/details/?id={message.id}").status_code == 404
    assert colleague.post(f"/admin/staff_message/done/?id={message.id}").status_code == 404
    assert "张阿姨" not in colleague.get("/admin/staff_message/").get_data(as_text=True)

    supervisor = login(office.supervisor)
    listing = supervisor.get("/admin/staff_message/").get_data(as_text=True)
    assert "138****5678" in listing and "13812345678" not in listing
    page = supervisor.get(f"/admin/staff_message/details/?id={message.id}").get_data(as_text=True)
    assert "138****5678" in page and "13812345678" not in page
    assert 'id="message-done"' in page  # a supervisor may close it for someone away
    for records in ("/admin/reminder_delivery/", "/admin/reminder/"):
        told = supervisor.get(records).get_data(as_text=True)
        assert "张阿姨" in told and "13812345678" not in told, records  # the hand-off, listed
    desk_page = login(office.desk).get(f"/admin/staff_message/details/?id={message.id}")
    assert 'href="tel:13812345678"' in desk_page.get_data(as_text=True)  # she took it
    assert 'id="message-done"' not in desk_page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"text": ""}, "This field is required."),
        ({"call_back": "y", "caller_phone": "12"}, "is not a phone number"),
        ({"for_staff": 0}, "Choose whom the message is for."),
    ],
)
def test_a_message_that_cannot_go_says_why_and_keeps_what_was_typed(
    office, login, in_app, fields, error
):
    page = take(login(office.desk), office, **fields).get_data(as_text=True)
    assert error in page
    assert "热水器又漏了" in page or fields.get("text") == ""
    assert stored(in_app) == []


def test_someone_of_another_estate_cannot_be_chosen(office, login, in_app):
    page = take(login(office.desk), office, for_staff=office.elsewhere.id).get_data(as_text=True)
    assert "Not a valid choice" in page and stored(in_app) == []


def test_a_caller_not_on_file_and_no_call_back(office, login, in_app):
    response = login(office.desk).post(
        "/admin/staff_message/new/",
        {
            "for_staff": office.supervisor.id,
            "caller_name": "物业公司刘经理",
            "text": "明天例会改到下午",
        },
    )
    assert response.status_code == 302
    [message] = stored(in_app)
    assert message.caller_phone is None and not message.call_back and message.unit_id is None


def test_his_dashboard_card_and_the_chinese_pages(office, login, in_app):
    login(office.desk).post(
        "/admin/staff_message/new/",
        {"for_staff": office.supervisor.id, "caller_name": "刘经理", "text": "请回电"},
    )
    home = login(office.supervisor, lang="zh-CN").get("/admin/").get_data(as_text=True)
    card = re.search(r'<div class="[^"]*" id="queue-messages_for_you">.*?</ul>', home, re.S)
    assert card and "给您的留言" in card.group(0) and "border-danger" in card.group(0)
    desk = login(office.desk, lang="zh-CN")
    call = desk.get("/admin/ticket/call/?q=1381234").get_data(as_text=True)
    assert "留言转告" in call
    form = desk.get(f"/admin/staff_message/new/?resident={office.caller.id}").get_data(as_text=True)
    assert "给员工留言" in form and "Message" not in re.sub(r"<[^>]+>", "", form.split("<main")[1])


def test_dealt_with_messages_are_forgotten_waiting_ones_stay(app, office, in_app, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_MESSAGE_DAYS", 30)
    ago = lambda days: clock.now() - timedelta(days=days)  # noqa: E731
    with in_app():

        def message(**fields):
            found = StaffMessage(
                estate_id=office.a.id,
                for_staff_id=office.plumber.id,
                caller_name="张阿姨",
                text="请回电",
                **fields,
            )
            db.session.add(found)
            return found

        old = message(status=MessageStatus.done, done_at=ago(31), taken_at=ago(40))
        recent = message(status=MessageStatus.done, done_at=ago(5), taken_at=ago(6))
        waiting = message(taken_at=ago(200))
        db.session.commit()
        ids = old.id, recent.id, waiting.id
        assert retention.run()["staff_messages"] == 1
        assert {m.id for m in db.session.query(StaffMessage)} == set(ids[1:])


def test_someone_of_two_estates_chooses_the_estate_of_a_caller_not_on_file(
    office, factories, login, in_app
):
    both = factories.staff(Role.supervisor, estates=[office.a, office.b], name="区域主管")
    c = login(both)
    form = c.get("/admin/staff_message/new/").get_data(as_text=True)
    assert 'id="estate"' in form and "赵师傅" in form and "王师傅" in form
    fields = {"caller_name": "刘经理", "text": "请回电", "caller_phone": "13700000000"}
    refused = c.post(
        "/admin/staff_message/new/",
        {**fields, "estate": office.a.id, "for_staff": office.elsewhere.id},
    ).get_data(as_text=True)
    assert "赵师傅 does not work in this estate." in refused and stored(in_app) == []
    sent = c.post(
        "/admin/staff_message/new/",
        {**fields, "estate": office.b.id, "for_staff": office.elsewhere.id},
    )
    assert sent.status_code == 302
    [message] = stored(in_app)
    assert (message.estate_id, message.for_staff_id) == (office.b.id, office.elsewhere.id)


def test_the_guard_takes_a_message_at_night_from_the_gate(office, factories, login, in_app):
    guard = factories.staff(Role.guard, estates=[office.a], name="夜班门岗")
    phone = login(guard)
    gate = phone.get("/gate/").get_data(as_text=True)
    link = re.search(r'id="gate-message" href="([^"]+)"', gate).group(1).replace("&amp;", "&")
    form = phone.get(link).get_data(as_text=True)
    assert 'class="phone-page gate-page' in form and 'id="message-form"' in form  # his frame
    fields = {"for_staff": office.supervisor.id, "caller_name": "3栋业主", "text": "车库门关不上"}
    sent = phone.post(link, {**fields, "caller_phone": "13811112222"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/gate/")
    [message] = stored(in_app)
    assert message.taken_by_id == guard.id and message.for_staff_id == office.supervisor.id
    assert "车库门关不上" in phone.get("/admin/staff_message/").get_data(as_text=True)  # his own
    login(office.supervisor).post(f"/admin/staff_message/done/?id={message.id}", {"note": "已修"})
    inbox = phone.get("/admin/inbox/").get_data(as_text=True)
    assert 'class="phone-page gate-page' in inbox and "The message you took is dealt with" in inbox
    page = phone.get(f"/admin/staff_message/details/?id={message.id}").get_data(as_text=True)
    assert 'id="message-dealt-with"' in page and "已修" in page and "陈主管" in page
    assert 'id="message-done"' not in page


def test_an_export_of_the_messages_masks_the_callers_number(office, factories, login):
    take(login(office.desk), office)
    admin = factories.staff(Role.admin, estates=[office.a])
    exported = login(admin).get("/admin/staff_message/export/csv/").get_data(as_text=True)
    assert "张阿姨" in exported and "138****5678" in exported and "13812345678" not in exported
