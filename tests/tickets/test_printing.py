"""The printed complaint forms and the day's register: the record's content, the A4 sheet, and
nothing of another estate."""

from __future__ import annotations

from datetime import datetime

import pytest

from admin_app.models import ComplaintCode, Role, Severity, TicketCategory, TicketStatus, Validity


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.desk = factories.staff(Role.receptionist, estates=[w.a], name="前台小李")
    w.stranger = factories.staff(Role.supervisor, estates=[w.b])
    w.complaint = factories.ticket(
        w.a,
        category=TicketCategory.complaint,
        unit_id=w.unit_a.id,
        reporter_name="王<b>女士</b>",
        reporter_phone="13900000009",
        received_at=datetime(2026, 11, 3, 9, 30),
        description="楼道灯坏了一周没人修",
        status=TicketStatus.resolved,
        complaint_code=ComplaintCode.facilities,
        severity=Severity.ordinary,
        validity=Validity.valid,
        complaint_due_at=datetime(2026, 11, 6, 9, 30),
        cause="巡查漏报",
        responsible_department="工程部",
        responsible_person="赵师傅",
        corrective_action="每周巡查楼道灯",
        result="已更换灯泡",
        revisit_note="业主表示满意",
    )
    w.inquiry = factories.ticket(
        w.a,
        category=TicketCategory.inquiry,
        reporter_name="陈先生",
        received_at=datetime(2026, 11, 3, 14, 5),
        description="物业费怎么交",
        result="前台或APP缴纳",
        received_by_id=w.desk.id,
        after_the_fact=True,
        occurred_at=datetime(2026, 11, 3, 8, 0),
    )
    w.next_day = factories.ticket(
        w.a,
        category=TicketCategory.help,
        received_at=datetime(2026, 11, 4, 10, 0),
        description="第二天的求助",
    )
    w.other = factories.ticket(
        w.b,
        category=TicketCategory.help,
        received_at=datetime(2026, 11, 3, 11, 0),
        description="乙小区的求助",
    )
    return w


def test_the_complaint_record_prints_the_whole_record(login, world):
    page = login(world.desk).get(f"/admin/ticket/print/complaint/?id={world.complaint.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Customer complaint handling record" in html and "@page { size: A4" in html
    for text in (
        "楼道灯坏了一周没人修",
        "巡查漏报",
        "工程部",
        "赵师傅",
        "每周巡查楼道灯",
        "已更换灯泡",
        "业主表示满意",
        "2026-11-06 09:30",
        "Director (signature)",
    ):
        assert text in html, text
    assert "王&lt;b&gt;女士&lt;/b&gt;" in html  # the caller's words, escaped


def test_the_slip_names_what_by_when_and_the_department(login, world):
    html = (
        login(world.desk)
        .get(f"/admin/ticket/print/slip/?id={world.complaint.id}")
        .get_data(as_text=True)
    )
    assert "Complaint handling slip" in html and "@page" in html
    assert "工程部" in html and "每周巡查楼道灯" in html and "2026-11-06 09:30" in html
    assert "Received by (signature)" in html


def test_the_printed_forms_are_in_chinese_for_a_chinese_reader(login, world):
    html = (
        login(world.desk, lang="zh")
        .get(f"/admin/ticket/print/complaint/?id={world.complaint.id}")
        .get_data(as_text=True)
    )
    assert 'lang="zh-CN"' in html


def test_the_register_lists_the_days_tickets_of_the_estate(login, world):
    html = (
        login(world.desk)
        .get(f"/admin/ticket/print/register/?estate={world.a.id}&date=2026-11-03")
        .get_data(as_text=True)
    )
    assert "Register of calls and visits" in html and "A4 landscape" in html
    assert html.count('class="register-row"') == 2
    assert html.index("09:30") < html.index("14:05*")  # in order; * recorded after handling
    assert "物业费怎么交" in html and "前台或APP缴纳" in html and "前台小李" in html
    assert "第二天的求助" not in html and "乙小区的求助" not in html


def test_nothing_of_another_estate_prints(login, world):
    stranger = login(world.stranger)
    for path in ("complaint", "slip"):
        assert (
            stranger.get(f"/admin/ticket/print/{path}/?id={world.complaint.id}").status_code == 404
        )
    assert stranger.get(f"/admin/ticket/print/register/?estate={world.a.id}").status_code == 404
    # and a ticket that is no complaint has no complaint forms
    desk = login(world.desk)
    assert desk.get(f"/admin/ticket/print/complaint/?id={world.inquiry.id}").status_code == 404


def test_the_forms_are_linked_from_the_details_and_the_list(login, world):
    desk = login(world.desk)
    details = desk.get(f"/admin/ticket/details/?id={world.complaint.id}").get_data(as_text=True)
    assert f"/admin/ticket/print/complaint/?id={world.complaint.id}" in details
    assert f"/admin/ticket/print/slip/?id={world.complaint.id}" in details
    listing = desk.get("/admin/ticket/").get_data(as_text=True)
    assert "/admin/ticket/print/register/" in listing
