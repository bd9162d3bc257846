"""A home visit is made in office hours on a working day of the estate's calendar (holidays and
调休 make-up days included) [002 篇3 第二條], refused with the reason otherwise; and someone
goes: named on the agree form, told at once, reminded an hour before the visit."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

import pytest

from admin_app.extensions import db
from admin_app.models import BookingStatus, HomeVisitBooking, WorkdayOverride

from ..reminders_support import inbox, office_time, staff_office, sweep_here

B = BookingStatus
NOW = (2026, 9, 28, 10, 0)  # a Monday, before National Day


@pytest.fixture
def office(factories, time_machine):
    time_machine.move_to(office_time(*NOW), tick=False)
    return staff_office(factories)


def agree_url(booking) -> str:
    return f"/admin/home_visit_booking/act/agree/?id={booking.id}"


def field_errors(page: str, name: str) -> list[str]:
    """The errors shown under one field of the action form."""
    start = page.index(f'id="{name}"')
    group = page[start : page.index('<div class="form-group">', start)]
    found = re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>', group)
    return [html.unescape(text) for text in found]


def status_of(in_app, booking_id) -> BookingStatus:
    with in_app():
        return db.session.get(HomeVisitBooking, booking_id).status


@pytest.mark.parametrize(
    ("lang", "at", "reason"),
    [
        ("en", "2026-12-12 10:00", "Dec 12 is a Saturday, not a working day."),
        ("zh_Hans_CN", "2026-12-12 10:00", "12月12日是星期六，不是工作日。"),
        ("en", "2026-10-02 10:00", "Oct 2 is a public holiday, not a working day."),
        ("zh_Hans_CN", "2026-10-02 10:00", "10月2日是法定节假日，不是工作日。"),
        ("en", "2026-10-09 20:30", "office hours, 08:00 to 20:00: 20:30 is outside them"),
        ("zh_Hans_CN", "2026-10-09 07:30", "工作时间 08:00 至 20:00 内进行，07:30 不在其内"),
    ],
)
def test_a_visit_on_a_day_off_or_out_of_hours_is_refused_under_the_field(
    login, in_app, factories, office, lang, at, reason
):
    booking = factories.home_visit_booking(office.world.a)
    desk = login(office.receptionist, lang=lang)
    sent = {"appointment_at": at, "visitor": str(office.technician.id), "materials": "身份证"}
    page = desk.post(agree_url(booking), sent)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert any(reason in error for error in field_errors(text, "appointment_at"))
    assert f'value="{at}"' in text and "身份证</textarea>" in text  # kept as typed
    assert status_of(in_app, booking.id) is B.requested


def test_a_make_up_saturday_is_a_working_day_and_the_estates_own_day_off_is_not(
    login, in_app, factories, office
):
    a = office.world.a
    makeup, closed = factories.home_visit_booking(a), factories.home_visit_booking(a)
    with in_app():
        db.session.add(WorkdayOverride(estate_id=a.id, day=date(2026, 9, 30), working=False))
        db.session.commit()
    desk = login(office.receptionist)
    visitor = str(office.technician.id)
    # Saturday 10 October 2026 is worked for National Day (调休).
    done = desk.post(agree_url(makeup), {"appointment_at": "2026-10-10 09:00", "visitor": visitor})
    assert done.status_code == 302
    refused = desk.post(
        agree_url(closed), {"appointment_at": "2026-09-30 09:00", "visitor": visitor}
    )
    errors = field_errors(refused.get_data(as_text=True), "appointment_at")
    assert errors == ["Sep 30 is a day off on this estate's calendar."]
    assert status_of(in_app, makeup.id) is B.agreed and status_of(in_app, closed.id) is B.requested


def test_whoever_goes_is_picked_among_the_estates_staff_who_make_home_visits(
    login, in_app, factories, office
):
    booking = factories.home_visit_booking(office.world.a)
    desk = login(office.receptionist)
    page = desk.get(agree_url(booking)).get_data(as_text=True)
    assert 'data-url="/admin/home_visit_booking/ajax/lookup/?name=visitor"' in page
    found = desk.get("/admin/home_visit_booking/ajax/lookup/?name=visitor&query=").get_json()
    ids = {row[0] for row in found}
    assert {office.technician.id, office.receptionist.id, office.supervisor.id} <= ids
    assert office.guard.id not in ids and office.technician_b.id not in ids
    nobody = desk.post(agree_url(booking), {"appointment_at": "2026-09-29 10:00"})
    assert field_errors(nobody.get_data(as_text=True), "visitor")
    guard = desk.post(
        agree_url(booking),
        {"appointment_at": "2026-09-29 10:00", "visitor": str(office.guard.id)},
    )
    assert field_errors(guard.get_data(as_text=True), "visitor")  # not among the choices
    assert status_of(in_app, booking.id) is B.requested


def test_the_one_who_goes_is_told_at_once_and_reminded_an_hour_before(
    app, login, in_app, factories, office, time_machine
):
    booking = factories.home_visit_booking(office.world.a, received_by_id=office.receptionist.id)
    desk = login(office.receptionist)
    sent = {"appointment_at": "2026-09-29 15:00", "visitor": str(office.technician.id)}
    assert desk.post(agree_url(booking), sent).status_code == 302
    told = ("handoff_home_visit", 0, "home_visit_booking", booking.id)
    assert inbox(in_app, office.technician) == [told]
    with in_app():
        row = db.session.get(HomeVisitBooking, booking.id)
        assert row.visitor_id == office.technician.id
    details = desk.get(f"/admin/home_visit_booking/details/?id={booking.id}")
    assert office.technician.name in details.get_data(as_text=True)

    visit = datetime(2026, 9, 29, 15, 0)
    time_machine.move_to(office_time(2026, 9, 29, 13, 59), tick=False)
    sweep_here(app)
    assert inbox(in_app, office.technician) == [told]
    time_machine.move_to(office_time(*(visit - timedelta(hours=1)).timetuple()[:5]), tick=False)
    sweep_here(app)
    reminded = ("home_visit_visitor", 0, "home_visit_booking", booking.id)
    assert inbox(in_app, office.technician) == [told, reminded]
    assert reminded not in inbox(in_app, office.technician_b)


@pytest.mark.parametrize(
    ("lang", "labels"),
    [("zh_Hans_CN", ("申请人", "希望时间")), ("en", ("Applicant", "Preferred time"))],
)
def test_the_agree_page_shows_the_request_to_answer(login, factories, office, lang, labels):
    """The time is agreed on the phone: whom to call, at which number, for what and when they
    would like it are on the page, not a trip to the booking away."""
    booking = factories.home_visit_booking(
        office.world.a,
        applicant_name="邓红英",
        applicant_phone="13712345678",
        service="安装晾衣架",
        preferred_time="周三下午",
    )
    page = login(office.receptionist, lang=lang).get(agree_url(booking)).get_data(as_text=True)
    summary = page.split('id="record-summary"')[1].split("</table>")[0]
    for label in labels:
        assert label in summary, label
    assert "邓红英" in summary and 'href="tel:13712345678"' in summary
    assert "安装晾衣架" in summary and "周三下午" in summary
