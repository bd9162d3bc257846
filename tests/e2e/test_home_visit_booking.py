"""Home-visit bookings in a browser, in Chinese and in English: the desk takes a request by
phone and agrees a time; a call-off only five hours before a visit is refused with the reason
on the page; a visit 40 minutes past with no contact is marked abandoned. The supervisor's
working-day calendar and the statistics line are read too. Every page is axe-clean."""

from __future__ import annotations

from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import BookingStatus, HomeVisitBooking, Role
from admin_app.services import calendar

from ..conftest import PASSWORD
from .conftest import chinese_left, details_field, flashes, submit
from .walk import BLOCKING, axe_violations

pytestmark = pytest.mark.browser

UI = {
    "zh": {
        "locale": "zh-CN",
        "shots": "",
        "status": "状态",
        "agreed": "已约定时间",
        "abandoned": "视为放弃（联系不上）",
        "too_late": "来不及取消",
        "statistics": "上门服务预约",
        "statutory": "法定节假日与调休上班日",
    },
    "en": {
        "locale": "en-US",
        "shots": "en-",
        "status": "Status",
        "agreed": "Appointment agreed",
        "abandoned": "Abandoned (no contact)",
        "too_late": "Too late to call it off",
        "statistics": "Home-visit bookings",
        "statutory": "Statutory holidays and make-up days",
    },
}
RECORDS = (
    "华苑小区",
    "王前台",
    "李主管",
    "刘阿姨",
    "陈大爷",
    "周奶奶",
    "行动不便，请上门办理停车证",
    "老人行动不便，请上门办理停车证",
    "身份证、行驶证",
    "师傅临时有急修",
    "电话无人接听",
)


def axe_clean(page) -> None:
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert blocking == [], [(v["id"], v["targets"]) for v in blocking]


def status_of(in_app, booking_id: int) -> BookingStatus:
    with in_app():
        return db.session.get(HomeVisitBooking, booking_id).status


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_booking_answered_a_late_call_off_refused_and_one_abandoned(
    app, factories, in_app, screen, lang
):
    ui = UI[lang]

    def read_well(page):
        axe_clean(page)
        if lang == "en":
            assert chinese_left(page, RECORDS) == []

    estate = factories.estate(code="HY", name="华苑小区")
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    factories.staff(Role.supervisor, estates=[estate], username="boss", name="李主管")
    now = clock.now().replace(second=0)
    soon = factories.home_visit_booking(
        estate,
        applicant_name="陈大爷",
        status=BookingStatus.agreed,
        appointment_at=now + timedelta(hours=5),
    )
    missed = factories.home_visit_booking(
        estate,
        applicant_name="周奶奶",
        status=BookingStatus.agreed,
        appointment_at=now - timedelta(minutes=40),
    )

    desk = screen("reception", locale=ui["locale"]).login("front", PASSWORD)
    page = desk.page
    # A request by phone, registered, then answered with a time tomorrow morning.
    page.goto("/admin/home_visit_booking/new/")
    page.fill("#applicant_name", "刘阿姨")
    page.fill("#applicant_phone", "13800138000")
    page.fill("#service", "行动不便，请上门办理停车证")
    read_well(page)
    submit(page, "input[type=submit].btn-primary")
    assert flashes(page), "no confirmation after saving the request"
    with in_app():
        booking = db.session.query(HomeVisitBooking).filter_by(applicant_name="刘阿姨").one()
    details = f"/admin/home_visit_booking/details/?id={booking.id}"
    page.goto(details)
    page.click("#action-agree")
    # Visits are made on working days: the next one (a Friday's is Monday, or a 调休 day).
    next_working_day = calendar.add_working_days(None, clock.today(), 1).isoformat()
    page.fill("#appointment_at", f"{next_working_day} 10:00")
    desk.pick_ajax("visitor", "王前台")
    page.fill("#materials", "身份证、行驶证")
    read_well(page)
    desk.shot(f"{ui['shots']}home-visit-01-agree")
    submit(page)
    assert details_field(page, ui["status"]) == ui["agreed"]
    read_well(page)

    # Five hours before a visit is too late to call it off: refused, with the reason.
    page.goto(f"/admin/home_visit_booking/details/?id={soon.id}")
    page.click("#action-call_off")
    page.fill("#told_whom", "陈大爷")
    page.fill("#reason", "师傅临时有急修")
    submit(page)
    refusal = " ".join(flashes(page, "error"))
    assert ui["too_late"] in refusal and "8" in refusal
    read_well(page)
    desk.shot(f"{ui['shots']}home-visit-02-too-late")
    assert status_of(in_app, soon.id) is BookingStatus.agreed

    # 40 minutes past the time, nobody there and no answer: abandoned.
    page.goto(f"/admin/home_visit_booking/details/?id={missed.id}")
    page.click("#action-abandon")
    page.fill("#notes", "电话无人接听")
    submit(page)
    assert details_field(page, ui["status"]) == ui["abandoned"]
    read_well(page)
    assert status_of(in_app, missed.id) is BookingStatus.abandoned
    page.goto("/admin/home_visit_booking/")
    read_well(page)

    # The supervisor: the working-day calendar and the month's statistics line.
    boss = screen("supervisor", locale=ui["locale"]).login("boss", PASSWORD)
    bp = boss.page
    bp.goto("/admin/workday_override/")
    assert ui["statutory"] in bp.inner_text("#statutory-heading")
    read_well(bp)
    bp.goto("/admin/statistics/")
    assert ui["statistics"] in bp.inner_text("#home-visits-heading")
    assert bp.locator("#table-home-visits tbody tr").count() >= 1
    read_well(bp)
    boss.shot(f"{ui['shots']}home-visit-03-statistics")
