"""Complaints in a browser: the front desk logs one, the supervisor (ordinary) or the director
(serious) classifies it and the deadline shows, an overdue complaint escalates into the
supervisor's inbox, the handling is recorded and reported back, the front desk revisits."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
import time_machine

from admin_app.extensions import db
from admin_app.models import Role, Severity, Ticket, TicketStatus, Validity

from ..conftest import PASSWORD
from ..reminders_support import OFFICE, sweep_here
from .conftest import details_field, flashes, submit

pytestmark = pytest.mark.browser


def office(factories):
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="5", room="0602")
    factories.resident(unit, name="陈伟", phone="13912345678")
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    factories.staff(Role.supervisor, estates=[estate], username="boss", name="李主管")
    factories.staff(Role.director, estates=[estate], username="chief", name="赵主任")
    return estate


def log_complaint(desk, description: str, code: str) -> None:
    """The receptionist's new-ticket form, filled in as the complainant talks."""
    page = desk.page
    page.goto("/admin/ticket/new/")
    page.select_option("#category", "complaint", force=True)
    page.select_option("#channel", "visit", force=True)
    desk.pick_ajax("unit", "0602")
    desk.pick_ajax("resident", "139123")
    page.fill("#reporter_name", "陈伟")
    page.fill("#reporter_phone", "139 1234 5678")
    page.fill("#description", description)
    page.select_option("#complaint_code", code, force=True)


def the_complaint(in_app) -> Ticket:
    with in_app():
        ticket = db.session.query(Ticket).one()
        db.session.expunge(ticket)
        return ticket


def test_ordinary_complaint_escalates_and_is_handled(app, factories, in_app, screen):
    office(factories)
    desk = screen("reception").login("front", PASSWORD)
    log_complaint(desk, "保洁员多次把垃圾堆放在楼道，沟通无果", "cleaning")
    desk.shot("complaint-01-logged-form")
    submit(desk.page, "#save-call")
    assert flashes(desk.page), "no confirmation after saving the ticket"
    ticket = the_complaint(in_app)
    assert ticket.status is TicketStatus.open and ticket.complaint_due_at is None

    # The supervisor has heard of it (the hand-off reached the inbox at once) and finds it on
    # the dashboard's open-complaints card.
    boss = screen("supervisor").login("boss", PASSWORD)
    page = boss.page
    assert page.inner_text("#inbox-unread").strip() == "1"
    card = page.locator("#queue-open_complaints")
    assert card.locator(".queue-count").inner_text().strip() == "1"
    with page.expect_navigation():
        card.locator("li a", has_text=ticket.number).click()
    page.click("#action-classify")
    page.check("input[name=severity][value=ordinary]")
    page.check("input[name=validity][value=valid]")
    assert page.input_value("#complaint_code") == "cleaning"  # as the front desk logged it
    boss.shot("complaint-02-classify")
    submit(page)
    assert flashes(page)
    due = ticket.received_at + timedelta(days=3)  # a valid complaint: handling within 3 days
    assert details_field(page, "投诉处理时限") == f"{due:%Y-%m-%d %H:%M}"
    assert details_field(page, "严重程度") == "一般"
    assert details_field(page, "投诉负责人") == "李主管 (客服主管)"  # not "业主", the unit's owner
    boss.shot("complaint-03-classified-deadline")

    # Nobody recorded the handling in time: the reminder sweep runs two days after the
    # deadline (the office clock moved forward; the browser stays in the present).
    late = datetime.combine(due.date() + timedelta(days=2), time(12, 0), tzinfo=OFFICE)
    with time_machine.travel(late, tick=False):
        assert sweep_here(app) >= 2
    page.goto("/admin/")
    assert int(page.inner_text("#inbox-unread")) >= 2
    with page.expect_navigation():
        page.click("#inbox-link")
    escalation = page.locator(".inbox-unread", has=page.locator(".badge-dark")).filter(
        has_text=ticket.number
    )
    assert escalation.count() >= 1
    assert f"已于 {due:%Y-%m-%d %H:%M} 逾期" in escalation.first.inner_text()
    boss.shot("complaint-04-inbox-escalation")
    with page.expect_navigation():
        escalation.first.locator("button.btn-primary").click()
    assert f"/admin/ticket/details/?id={ticket.id}" in page.url

    page.click("#action-record_handling")
    page.fill("#cause", "保洁外包班组未按规定时间清运垃圾")
    page.fill("#responsible_department", "环境部")
    page.fill("#responsible_person", "刘班长")
    page.fill("#corrective_action", "约谈外包班组，每日两次清运并拍照存档")
    boss.shot("complaint-05-handling")
    submit(page)
    assert flashes(page)
    page.click("#action-report_back")
    page.fill("#result", "楼道已清理，外包班组已整改，已电话告知陈先生")
    submit(page)
    assert details_field(page, "状态") == "已处理"

    # The service centre calls the complainant back.
    desk.page.goto(f"/admin/ticket/details/?id={ticket.id}")
    desk.page.click("#action-revisit_complaint")
    desk.page.check("#outcome-0")  # satisfied
    desk.page.fill("#words", "陈先生表示楼道已干净，满意")
    submit(desk.page)
    assert details_field(desk.page, "状态") == "已关闭"
    assert "陈先生表示楼道已干净" in details_field(desk.page, "回访记录")
    desk.shot("complaint-06-revisited")
    with in_app():
        done = db.session.get(Ticket, ticket.id)
        assert (done.severity, done.validity) == (Severity.ordinary, Validity.valid)
        assert done.handled_at and done.reported_back_at and done.revisited_at
        assert done.status is TicketStatus.closed


def test_serious_complaint_in_english_goes_to_the_director(app, factories, in_app, screen):
    """The whole complaint path in English: the front desk's browser asks for English, the
    director switches the panel's language from the user menu."""
    office(factories)
    desk = screen("reception-en", locale="en-US").login("front", PASSWORD)
    log_complaint(desk, "Water leaking from the ceiling for a week; nobody came", "repair_quality")
    assert desk.page.locator("label[for=reporter_name]").inner_text().strip() == "Reporter"
    submit(desk.page, "#save-call")
    ticket = the_complaint(in_app)

    chief = screen("director").login("chief", PASSWORD)
    page = chief.page
    page.goto(f"/admin/ticket/details/?id={ticket.id}")
    assert page.locator("#action-classify").inner_text().strip() == "投诉定性"
    page.click("#user-menu")
    with page.expect_navigation():
        page.click("form button[lang=en]")
    assert page.locator("#action-classify").inner_text().strip() == "Classify the complaint"
    page.click("#action-classify")
    page.check("input[name=severity][value=serious]")
    page.check("input[name=validity][value=invalid]")
    submit(page)
    assert flashes(page, "error") == [f"{ticket.number}: A serious complaint cannot be invalid."]
    page.check("input[name=validity][value=valid]")
    submit(page)
    due = ticket.received_at + timedelta(hours=48)  # serious: a result within 48 hours
    assert details_field(page, "Complaint deadline") == f"{due:%Y-%m-%d %H:%M}"
    assert details_field(page, "Severity") == "Serious"
    assert details_field(page, "Complaint owner") == "赵主任 (Director)"
    chief.shot("complaint-en-01-serious")
    page.click("#action-record_handling")
    page.fill("#cause", "Roof membrane cracked above unit 0602")
    page.fill("#corrective_action", "Engineering replaces the membrane; repaint the ceiling")
    submit(page)
    page.click("#action-report_back")
    page.fill("#result", "Membrane replaced, ceiling repainted; the resident was told")
    submit(page)
    assert details_field(page, "Status") == "Resolved"
    chief.shot("complaint-en-02-reported-back")

    desk.page.goto(f"/admin/ticket/details/?id={ticket.id}")
    desk.page.click("#action-revisit_complaint")
    desk.page.check("#outcome-0")  # satisfied
    desk.page.fill("#words", "Resident satisfied, no more leaks")
    submit(desk.page)
    assert details_field(desk.page, "Status") == "Closed"
    history = desk.page.locator("#history + .table-responsive table").inner_text()
    assert re.search(r"Classify the complaint", history)
    # Links in history read as the records' names, not their row ids.
    assert "Complaint owner: ∅ → 赵主任 (Director)" in history
    assert "Unit: ∅ → Bldg 5, Ent. 1, Rm 0602" in history
    assert not re.search(r"→ #\d", history)
    desk.shot("complaint-en-03-closed-history")
