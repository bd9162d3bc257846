"""A complaint that ends only when the resident is satisfied, in a browser and in both languages:
the front desk logs it, the supervisor classifies and handles it, the revisit finds the resident
unsatisfied and reopens it one level up (a new round with its own deadline), the supervisor adds
a corrective action, it is done and verified, the director reports back and the second revisit
closes it.

In English no Chinese is left on a page but the records' own content; in Chinese no English."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    ActionStatus,
    ComplaintRound,
    CorrectiveAction,
    Department,
    Role,
    Satisfaction,
    Ticket,
    TicketStatus,
)

from ..conftest import PASSWORD
from .conftest import chinese_left, details_field, english_left, flashes, submit

pytestmark = pytest.mark.browser

UI = {
    "zh": {
        "locale": "zh-CN",
        "shots": "",
        "round": "第 2 轮",
        "status": "状态",
        "closed": "已关闭",
        "deadline": "投诉处理时限",
        "mark_done": "标记完成",
        "verify": "验证",
        "unsatisfied": "不满意",
        "satisfied": "满意",
    },
    "en": {
        "locale": "en-US",
        "shots": "en-",
        "round": "Round 2",
        "status": "Status",
        "closed": "Closed",
        "deadline": "Complaint deadline",
        "mark_done": "Mark done",
        "verify": "Verify",
        "unsatisfied": "Unsatisfied",
        "satisfied": "Satisfied",
    },
}
# What the people in the test typed or are called: Chinese in both languages (and the
# usernames, in Latin letters in both).
RECORDS = (
    "华苑小区",
    "陈伟",
    "王前台",
    "李主管",
    "赵主任",
    "保洁部",
    "刘班长",
    "楼道垃圾堆放三天无人清运，气味很大",
    "保洁班组未按时清运",
    "当天清运，楼道消毒",
    "楼道已清理消毒，已电话告知陈先生",
    "清完第二天又堆上了，没人管",
    "每日两次定时清运，主管每周抽查并拍照",
    "已排班每日 9 点、17 点清运",
    "连续三天现场查看，楼道干净",
    "已按新排班清运一周，抽查记录齐全",
    "这一周楼道一直干净，满意",
    "front",
    "boss",
    "chief",
)


def office(factories, in_app):
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="5", room="0602")
    factories.resident(unit, name="陈伟", phone="13912345678")
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    boss = factories.staff(Role.supervisor, estates=[estate], username="boss", name="李主管")
    factories.staff(Role.director, estates=[estate], username="chief", name="赵主任")
    with in_app():
        cleaning = Department(estate_id=estate.id, name="保洁部", head_id=boss.id)
        db.session.add(cleaning)
        db.session.commit()
        return cleaning.id


def the_complaint(in_app) -> Ticket:
    with in_app():
        ticket = db.session.query(Ticket).one()
        db.session.expunge(ticket)
        return ticket


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unsatisfied_complaint_is_reopened_and_satisfied_the_second_time(
    factories, in_app, screen, lang
):
    ui = UI[lang]
    untranslated: dict[str, list[str]] = {}

    def seen(session, what: str) -> None:
        """A page the person read: in English nothing Chinese but the records, in Chinese
        nothing English but codes and the records."""
        page = session.page
        if lang == "zh":
            assert chinese_left(page, RECORDS), f"{what}: no Chinese interface text found"
            left = english_left(page, RECORDS)
        else:
            left = chinese_left(page, RECORDS)
        if left:
            untranslated[f"{what} ({page.url})"] = left
        steps = page.locator("#history + .table-responsive tr td:nth-child(3)")
        raw = [s for s in steps.all_inner_texts() if re.fullmatch(r"[a-z_]+", s.strip())]
        assert not raw, f"{what}: history steps by their code names: {raw}"

    cleaning = office(factories, in_app)

    # The front desk logs the complaint as the resident talks.
    desk = screen("reception", locale=ui["locale"]).login("front", PASSWORD)
    page = desk.page
    page.goto("/admin/ticket/new/")
    page.select_option("#category", "complaint", force=True)
    page.select_option("#channel", "visit", force=True)
    desk.pick_ajax("unit", "0602")
    desk.pick_ajax("resident", "139123")
    page.fill("#reporter_name", "陈伟")
    page.fill("#reporter_phone", "139 1234 5678")
    page.fill("#description", "楼道垃圾堆放三天无人清运，气味很大")
    page.select_option("#complaint_code", "cleaning", force=True)
    seen(desk, "new complaint")
    desk.shot(ui["shots"] + "rounds-01-logged")
    submit(page, "#save-call")
    assert flashes(page), flashes(page, "error")
    ticket = the_complaint(in_app)

    # The supervisor classifies it (ordinary, valid: 3 days) and records its handling.
    boss = screen("supervisor", locale=ui["locale"]).login("boss", PASSWORD)
    office_page = boss.page
    office_page.goto(f"/admin/ticket/details/?id={ticket.id}")
    submit(office_page, "#action-classify")
    office_page.check("input[name=severity][value=ordinary]")
    office_page.check("input[name=validity][value=valid]")
    seen(boss, "classify")
    submit(office_page)
    assert flashes(office_page), flashes(office_page, "error")
    first_due = details_field(office_page, ui["deadline"])
    submit(office_page, "#action-record_handling")
    office_page.fill("#cause", "保洁班组未按时清运")
    office_page.select_option("#department", str(cleaning), force=True)
    office_page.fill("#responsible_person", "刘班长")
    office_page.fill("#corrective_action", "当天清运，楼道消毒")
    seen(boss, "record the handling")
    submit(office_page)
    assert flashes(office_page), flashes(office_page, "error")
    submit(office_page, "#action-report_back")
    office_page.fill("#result", "楼道已清理消毒，已电话告知陈先生")
    submit(office_page)
    assert flashes(office_page), flashes(office_page, "error")
    boss.shot(ui["shots"] + "rounds-02-reported-back")
    seen(boss, "reported back")

    # The revisit: the resident is not satisfied, in his own words.
    page.goto(f"/admin/ticket/details/?id={ticket.id}")
    submit(page, "#action-revisit_complaint")
    unsatisfied = page.locator("input[name=outcome][value=unsatisfied]")
    label = page.inner_text(f"label[for={unsatisfied.get_attribute('id')}]").strip()
    assert label == ui["unsatisfied"]
    unsatisfied.check()
    page.fill("#words", "清完第二天又堆上了，没人管")
    desk.shot(ui["shots"] + "rounds-03-unsatisfied")
    seen(desk, "revisit, unsatisfied")
    submit(page)
    assert flashes(page), flashes(page, "error")
    assert details_field(page, ui["status"]) != ui["closed"]
    with in_app():
        reopened = db.session.get(Ticket, ticket.id)
        assert reopened.status is TicketStatus.in_progress and reopened.complaint_round == 2
        assert reopened.owner.name == "赵主任"  # one level up from the supervisor
        second_due = reopened.complaint_due_at
        # Its own deadline, counted from the revisit (the first from the receipt).
        assert second_due == reopened.rounds[0].revisited_at + timedelta(days=3)
        assert f"{reopened.rounds[0].due_at:%Y-%m-%d %H:%M}" == first_due

    # The supervisor opens it again: the round first, with its owner, deadline and the words.
    office_page.goto(f"/admin/ticket/details/?id={ticket.id}")
    banner = office_page.locator("#complaint-round")
    text = banner.inner_text()
    assert ui["round"] in text and "赵主任" in text
    assert f"{second_due:%Y-%m-%d %H:%M}" in text
    assert "清完第二天又堆上了，没人管" in text
    assert details_field(office_page, ui["deadline"]) == f"{second_due:%Y-%m-%d %H:%M}"
    rounds = office_page.locator("#complaint-rounds + table tbody tr")
    assert rounds.count() == 1 and ui["unsatisfied"] in rounds.first.inner_text()
    boss.shot(ui["shots"] + "rounds-04-reopened-banner")
    seen(boss, "reopened complaint")

    # ... and adds a corrective action for the cleaning department, due in five days.
    submit(office_page, "#action-add_action")
    office_page.fill("#what", "每日两次定时清运，主管每周抽查并拍照")
    office_page.select_option("#department", str(cleaning), force=True)
    due = (clock.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    office_page.fill("#due_at", f"{due:%Y-%m-%d %H:%M}")
    office_page.keyboard.press("Escape")
    seen(boss, "add a corrective action")
    submit(office_page)
    assert flashes(office_page), flashes(office_page, "error")
    with in_app():
        action_id = db.session.query(CorrectiveAction.id).filter_by(ticket_id=ticket.id).scalar()
    row = office_page.locator(f"#action-row-{action_id}")
    assert "保洁部" in row.inner_text() and f"{due:%Y-%m-%d %H:%M}" in row.inner_text()
    assert office_page.locator("#unverified-actions").count() == 1
    # The department reports it done, from the complaint's own row.
    done = row.locator("a.btn-primary")
    assert done.inner_text().strip() == ui["mark_done"]
    submit(office_page, f"#action-row-{action_id} a.btn-primary")
    office_page.fill("#note", "已排班每日 9 点、17 点清运")
    seen(boss, "mark done")
    submit(office_page)
    assert flashes(office_page), flashes(office_page, "error")
    # The step lands on the action's own page (not back on the complaint it came from).
    assert f"/admin/corrective_action/details/?id={action_id}" in office_page.url
    seen(boss, "action done")

    # The service centre checks it on the spot and verifies it.
    page.goto(f"/admin/ticket/details/?id={ticket.id}")
    verify = page.locator(f"#action-row-{action_id} a.btn-success")
    assert verify.inner_text().strip() == ui["verify"]
    submit(page, f"#action-row-{action_id} a.btn-success")
    page.fill("#how", "连续三天现场查看，楼道干净")
    seen(desk, "verify")
    submit(page)
    assert flashes(page), flashes(page, "error")
    assert page.locator("#unverified-actions").count() == 0
    desk.shot(ui["shots"] + "rounds-05-action-verified")
    seen(desk, "action verified")

    # The director, who owns the second round, heard of it and reports back.
    chief = screen("director", locale=ui["locale"]).login("chief", PASSWORD)
    top = chief.page
    assert int(top.inner_text("#inbox-unread")) >= 1
    top.goto(f"/admin/ticket/details/?id={ticket.id}")
    submit(top, "#action-record_handling")
    top.fill("#cause", "保洁班组未按时清运")
    top.fill("#corrective_action", "每日两次定时清运，主管每周抽查并拍照")
    submit(top)
    assert flashes(top), flashes(top, "error")
    submit(top, "#action-report_back")
    top.fill("#result", "已按新排班清运一周，抽查记录齐全")
    submit(top)
    assert flashes(top), flashes(top, "error")
    seen(chief, "second round reported back")

    # The second revisit: satisfied, and the complaint closes.
    page.goto(f"/admin/ticket/details/?id={ticket.id}")
    submit(page, "#action-revisit_complaint")
    satisfied = page.locator("input[name=outcome][value=satisfied]")
    label = page.inner_text(f"label[for={satisfied.get_attribute('id')}]").strip()
    assert label == ui["satisfied"]
    satisfied.check()
    page.fill("#words", "这一周楼道一直干净，满意")
    submit(page)
    assert flashes(page), flashes(page, "error")
    assert details_field(page, ui["status"]) == ui["closed"]
    assert page.locator("#complaint-round").count() == 0  # no "reopened" banner once closed
    rounds = page.locator("#complaint-rounds + table tbody tr")
    assert rounds.count() == 2
    assert "这一周楼道一直干净，满意" in rounds.nth(1).inner_text()
    desk.shot(ui["shots"] + "rounds-06-closed")
    seen(desk, "closed complaint")
    assert not untranslated, f"Text left in the other language: {untranslated}"

    with in_app():
        closed = db.session.get(Ticket, ticket.id)
        assert closed.status is TicketStatus.closed and closed.closed_at is not None
        outcomes = [
            r.outcome
            for r in db.session.query(ComplaintRound)
            .filter_by(ticket_id=ticket.id)
            .order_by(ComplaintRound.number)
        ]
        assert outcomes == [Satisfaction.unsatisfied, Satisfaction.satisfied]
        action = db.session.get(CorrectiveAction, action_id)
        assert action.status is ActionStatus.verified and action.verified_by.name == "王前台"
