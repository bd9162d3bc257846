"""The screens: the working-day calendar a supervisor keeps, and a booking taken, answered and
refused a late call-off, in the user's language, without a 500."""

from __future__ import annotations

import html
import re
from datetime import date, datetime

import pytest

from admin_app.extensions import db
from admin_app.models import BookingStatus, HomeVisitBooking, Role, WorkdayOverride

from ..reminders_support import office_time


def test_a_supervisor_adds_the_estates_own_day_and_sees_the_statutory_days(
    app, factories, login, time_machine
):
    time_machine.move_to(office_time(2026, 11, 24, 10, 0), tick=False)
    a, b = factories.estate(), factories.estate()
    supervisor = login(factories.staff(Role.supervisor, estates=[a]), lang="zh_Hans_CN")
    page = supervisor.get("/admin/workday_override/").get_data(as_text=True)
    assert 'id="statutory-days"' in page
    assert "2026-02-14" in page and "2027-10-09" in page  # this year's and next year's
    form = {"estate": str(a.id), "day": "2026-12-31", "working": "", "note": "小区年终盘点"}
    assert supervisor.post("/admin/workday_override/new/", form).status_code == 302
    again = supervisor.post("/admin/workday_override/new/", form)
    assert again.status_code == 200 and "该小区已有这一天" in again.get_data(as_text=True)
    theirs = supervisor.post("/admin/workday_override/new/", {**form, "estate": str(b.id)})
    assert theirs.status_code == 200
    with app.app_context():
        rows = db.session.query(WorkdayOverride).all()
        assert [(r.estate_id, r.day, r.working) for r in rows] == [
            (a.id, date(2026, 12, 31), False)
        ]


def test_a_booking_taken_at_the_desk_is_numbered_and_due_the_next_working_day(
    app, factories, login, time_machine
):
    time_machine.move_to(office_time(2026, 9, 30, 15, 0), tick=False)
    a = factories.estate()
    desk_user = factories.staff(Role.receptionist, estates=[a])
    desk = login(desk_user)
    form = {
        "estate": str(a.id),
        "channel": "phone",
        "applicant_name": "刘阿姨",
        "applicant_phone": "13800138000",
        "service": "腿脚不便，请上门办理车辆通行证",
        "preferred_time": "上午",
    }
    assert desk.post("/admin/home_visit_booking/new/", form).status_code == 302
    with app.app_context():
        booking = db.session.query(HomeVisitBooking).one()
        assert booking.number.endswith("-SM2609-0001")
        assert booking.received_by_id == desk_user.id
        assert booking.answer_due_at == datetime(2026, 10, 8, 20, 0)  # after National Day
    empty = desk.post("/admin/home_visit_booking/new/", {**form, "service": ""})
    assert empty.status_code == 200
    with app.app_context():
        assert db.session.query(HomeVisitBooking).count() == 1


def test_a_late_call_off_is_refused_on_the_page_with_the_reason(
    app, factories, login, in_app, time_machine
):
    time_machine.move_to(office_time(2026, 11, 25, 12, 0), tick=False)
    a = factories.estate()
    booking = factories.home_visit_booking(
        a, status=BookingStatus.agreed, appointment_at=datetime(2026, 11, 25, 17, 0)
    )
    desk = login(factories.staff(Role.receptionist, estates=[a]))
    url = f"/admin/home_visit_booking/act/call_off/?id={booking.id}"
    assert 'id="confirm-action"' in desk.get(url).get_data(as_text=True)
    page = desk.post(url, {"told_whom": "刘阿姨", "reason": "临时有事"}).get_data(as_text=True)
    assert "Too late to call it off" in page and "5 h 0 min" in page
    with in_app():
        assert db.session.get(HomeVisitBooking, booking.id).status is BookingStatus.agreed


def test_agreeing_on_the_page_then_abandoning_after_the_half_hour(
    app, factories, login, in_app, time_machine
):
    time_machine.move_to(office_time(2026, 11, 24, 10, 0), tick=False)
    a, b = factories.estate(), factories.estate()
    booking = factories.home_visit_booking(a)
    theirs = factories.home_visit_booking(b)
    desk_user = factories.staff(Role.receptionist, estates=[a])
    desk = login(desk_user)
    assert desk.get(f"/admin/home_visit_booking/act/agree/?id={theirs.id}").status_code == 404
    done = desk.post(
        f"/admin/home_visit_booking/act/agree/?id={booking.id}",
        {"appointment_at": "2026-11-25 09:00", "visitor": str(desk_user.id), "materials": "身份证"},
    )
    assert done.status_code == 302
    time_machine.move_to(office_time(2026, 11, 25, 9, 30), tick=False)
    desk = login(desk_user)  # the next day: a new sign-in
    assert (
        desk.post(
            f"/admin/home_visit_booking/act/abandon/?id={booking.id}", {"notes": "联系不上"}
        ).status_code
        == 302
    )
    with in_app():
        row = db.session.get(HomeVisitBooking, booking.id)
        assert row.status is BookingStatus.abandoned
        assert row.appointment_at == datetime(2026, 11, 25, 9, 0)
    details = desk.get(f"/admin/home_visit_booking/details/?id={booking.id}")
    assert "Abandoned (no contact)" in details.get_data(as_text=True)


def test_the_statistics_page_has_a_line_for_abandoned_bookings(factories, login, time_machine):
    time_machine.move_to(office_time(2026, 11, 28, 10, 0), tick=False)
    a = factories.estate()
    factories.home_visit_booking(
        a, status=BookingStatus.abandoned, requested_at=datetime(2026, 11, 20, 9, 0)
    )
    supervisor = login(factories.staff(Role.supervisor, estates=[a]))
    page = supervisor.get("/admin/statistics/?period=2026-11").get_data(as_text=True)
    assert 'id="table-home-visits"' in page and "Abandoned (no contact)" in page
    assert "No home-visit bookings in this period." not in page


def test_a_booking_takes_the_applicants_name_and_phone_from_the_resident(
    app, factories, login, time_machine
):
    time_machine.move_to(office_time(2026, 9, 29, 15, 0), tick=False)
    a = factories.estate()
    unit = factories.unit(a)
    resident = factories.resident(unit, name="刘阿姨", phone="13800138000")
    desk = login(factories.staff(Role.receptionist, estates=[a]))
    form = {"estate": str(a.id), "channel": "phone", "unit": str(unit.id)}
    form |= {"resident": str(resident.id), "service": "请上门办理车辆通行证"}
    saved = desk.post("/admin/home_visit_booking/new/", form)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    nobody = desk.post("/admin/home_visit_booking/new/", {**form, "resident": ""})
    assert "Enter the applicant&#39;s name." in nobody.get_data(as_text=True)
    with app.app_context():
        booking = db.session.query(HomeVisitBooking).one()
        assert (booking.applicant_name, booking.applicant_phone) == ("刘阿姨", "13800138000")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            "Home-visit booking {number} registered. Next: answer the applicant by "
            "2026-10-08 20:00: agree a time, or refuse with the reason.",
        ),
        (
            "zh-CN",
            "上门服务预约 {number} 已登记。下一步：请在 2026-10-08 20:00 前答复申请人："
            "约定上门时间，或说明不能上门的理由。",
        ),
    ],
)
def test_a_booking_saved_opens_on_its_page_with_its_number_and_answer_deadline(
    app, factories, login, time_machine, lang, said
):
    time_machine.move_to(office_time(2026, 9, 30, 15, 0), tick=False)
    a = factories.estate()
    desk = login(factories.staff(Role.receptionist, estates=[a]), lang=lang)
    form = {
        "estate": str(a.id),
        "channel": "phone",
        "applicant_name": "刘阿姨",
        "applicant_phone": "13800138000",
        "service": "腿脚不便，请上门办理车辆通行证",
    }
    response = desk.post("/admin/home_visit_booking/new/", form)
    with app.app_context():
        booking = db.session.query(HomeVisitBooking).one()
    location = response.headers["Location"]
    assert location.startswith(f"/admin/home_visit_booking/details/?id={booking.id}")
    page = desk.get(location).get_data(as_text=True)
    shown = [
        html.unescape(re.sub(r"<[^>]+>|&times;|\s+", " ", m)).strip()
        for m in re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S)
    ]
    assert said.format(number=booking.number) in shown
    assert "/admin/home_visit_booking/act/agree/" in page  # the answer is a button there
