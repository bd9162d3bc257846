"""The supervisor classifying a complaint reads the complaint on the step's page (who, flat,
what they said, when, the round), hears after classifying who answers for it and by when, and
is not offered to escalate it to the supervisors — himself; the verb refuses that too."""

from __future__ import annotations

from datetime import datetime

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import ComplaintRound, Role, Staff, Ticket, TicketCategory, TicketStatus
from admin_app.services.errors import ServiceError
from admin_app.tickets import operations as tickets
from tests.step_pages_support import messages, summary, text_of

ZH = "zh-CN"


@pytest.fixture
def office(factories):
    w = factories.two_estates()
    w.unit = factories.unit(w.a, building="5", entrance="1", room="602")
    w.resident = factories.resident(w.unit, name="黎俊兰", phone="13811112222")
    w.desk = factories.staff(Role.receptionist, estates=[w.a])
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a], name="李主管")
    w.director = factories.staff(Role.director, estates=[w.a], name="刘主任")
    w.received = datetime(2026, 12, 5, 9, 30)
    w.complaint = factories.ticket(
        w.a,
        category=TicketCategory.complaint,
        status=TicketStatus.escalated,
        unit_id=w.unit.id,
        resident_id=w.resident.id,
        reporter_name="黎俊兰",
        reporter_phone="13811112222",
        description="楼上装修每天早上七点就开始电钻，已经第三次投诉了",
        request="要求物业约束施工时间",
        received_at=w.received,
    )
    return w


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            None,
            [
                "Reporter 黎俊兰",
                "13811112222",
                "602",
                "Received at 2026-12-05 09:30",
                "Description 楼上装修每天早上七点就开始电钻，已经第三次投诉了",
                "Resident's request 要求物业约束施工时间",
            ],
        ),
        (
            ZH,
            [
                "报告人 黎俊兰",
                "13811112222",
                "602",
                "受理时间 2026-12-05 09:30",
                "内容描述 楼上装修每天早上七点就开始电钻，已经第三次投诉了",
                "住户诉求 要求物业约束施工时间",
            ],
        ),
    ],
)
def test_the_classify_page_shows_the_complaint(login, office, lang, words):
    page = login(office.supervisor, lang=lang).get(
        f"/admin/ticket/act/classify/?id={office.complaint.id}"
    )
    shown = summary(page.get_data(as_text=True))
    for word in words:
        assert word in shown


def test_a_reopened_complaint_shows_its_round_and_the_residents_last_words(
    login, office, factories, in_app
):
    with in_app():
        ticket = db.session.get(Ticket, office.complaint.id)
        ticket.complaint_round = 2
        ticket.status = TicketStatus.in_progress
        db.session.add(
            ComplaintRound(
                estate_id=ticket.estate_id,
                ticket=ticket,
                number=1,
                resident_words="噪音还是没停",
                outcome="unsatisfied",
                revisited_at=clock.now(),
            )
        )
        db.session.commit()
    page = login(office.supervisor, lang=ZH).get(
        f"/admin/ticket/act/classify/?id={office.complaint.id}"
    )
    shown = text_of(page.get_data(as_text=True))
    assert "第 2 轮" in shown and "噪音还是没停" in shown


def classify(client, ticket_id, severity):
    return client.post(
        f"/admin/ticket/act/classify/?id={ticket_id}",
        {"severity": severity, "validity": "valid", "complaint_code": "neighbours"},
        follow_redirects=True,
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (ZH, "重大投诉：已转交 刘主任（管理处主任）负责并已通知，须在 {} 前给出处理结果。"),
        (
            None,
            "Serious complaint: passed to 刘主任 (Director), who is told; a result is due by {}.",
        ),
    ],
)
def test_a_serious_complaint_says_the_director_has_it_and_by_when(
    login, office, in_app, lang, said
):
    page = classify(login(office.supervisor, lang=lang), office.complaint.id, "serious")
    with in_app():
        due = db.session.get(Ticket, office.complaint.id).complaint_due_at
    assert said.format(due.strftime("%Y-%m-%d %H:%M")) in messages(page)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (ZH, "一般投诉：由 李主管（客服主管）负责，须在 {} 前处理完毕。"),
        (None, "Ordinary complaint: 李主管 (Supervisor) answers for it, due by {}."),
    ],
)
def test_an_ordinary_complaint_says_who_answers_for_it_and_by_when(
    login, office, in_app, lang, said
):
    page = classify(login(office.supervisor, lang=lang), office.complaint.id, "ordinary")
    with in_app():
        due = db.session.get(Ticket, office.complaint.id).complaint_due_at
    assert said.format(due.strftime("%Y-%m-%d %H:%M")) in messages(page)


def test_a_serious_complaint_with_no_director_in_the_estate_says_so(
    login, factories, office, in_app
):
    with in_app():
        db.session.get(Staff, office.director.id).active = False
        db.session.commit()
    page = classify(login(office.supervisor, lang=ZH), office.complaint.id, "serious")
    assert any(
        m.startswith("重大投诉，须在 ") and m.endswith("前处理：本小区没有应负责的管理处主任。")
        for m in messages(page)
    )


def test_the_supervisor_is_not_offered_to_escalate_to_the_supervisors(
    login, office, factories, in_app
):
    fresh = factories.ticket(office.a, category=TicketCategory.complaint, description="噪音")
    boss = login(office.supervisor)
    details = boss.get(f"/admin/ticket/details/?id={fresh.id}").get_data(as_text=True)
    assert 'id="action-escalate"' not in details
    assert boss.get(f"/admin/ticket/act/escalate/?id={fresh.id}").status_code == 403
    desk = login(office.desk)
    details = desk.get(f"/admin/ticket/details/?id={fresh.id}").get_data(as_text=True)
    assert 'id="action-escalate"' in details
    with in_app():
        record = db.session.get(Ticket, fresh.id)
        for boss_id in (office.supervisor.id, office.director.id):
            with pytest.raises(ServiceError):
                tickets.escalate(record, db.session.get(Staff, boss_id), note="上报")
            db.session.rollback()
        assert db.session.get(Ticket, fresh.id).status is TicketStatus.open
