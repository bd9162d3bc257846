"""A call the company forwarded (公司转发, 001 四(二)1③): logged with the company's reference,
and once handled, its result reported back to the company in writing: the record to print on
the step's page, when and how it went kept, a reminder until it is done."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import AuditRecord, Channel, Role, Ticket, TicketCategory, TicketStatus

from ..reminders_support import inbox, office_time, staff_office, sweep_here

T = TicketStatus


@pytest.fixture
def office(factories, two_estates):
    return {
        "desk": factories.staff(Role.receptionist, estates=[two_estates.a], username="desk"),
        "tech": factories.staff(Role.technician, estates=[two_estates.a], username="tech"),
    }


def forwarded(factories, estate, status=T.closed, **fields):
    fields.setdefault("channel", Channel.company)
    fields.setdefault("company_ref", "总部客服〔2026〕118号")
    fields.setdefault("category", TicketCategory.complaint)
    return factories.ticket(estate, status=status, result="已更换路灯", **fields)


def test_logged_with_the_companys_reference(login, office, two_estates, in_app):
    desk = login("desk")
    form = desk.get("/admin/ticket/new/").get_data(as_text=True)
    assert '<option value="company">Forwarded by the company</option>' in form
    assert "its letter's or e-mail's reference" in form
    sent = desk.post(
        "/admin/ticket/new/",
        {
            "estate": str(two_estates.a.id),
            "category": "complaint",
            "channel": "company",
            "company_ref": "总部客服〔2026〕118号",
            "reporter_name": "周业主",
            "description": "路灯坏了一个月没人修",
            "complaint_code": "security",
        },
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)[:2000]
    with in_app():
        ticket = db.session.query(Ticket).one()
        assert (ticket.channel, ticket.company_ref) == (Channel.company, "总部客服〔2026〕118号")
    details = desk.get(f"/admin/ticket/details/?id={ticket.id}").get_data(as_text=True)
    assert "The company&#39;s reference" in details and "总部客服〔2026〕118号" in details


def test_its_result_is_reported_back_in_writing_once(login, office, factories, two_estates, in_app):
    ticket = forwarded(factories, two_estates.a)
    desk = login("desk")
    details = desk.get(f"/admin/ticket/details/?id={ticket.id}").get_data(as_text=True)
    assert 'id="action-report_to_company"' in details
    page = desk.get(f"/admin/ticket/act/report_to_company/?id={ticket.id}").get_data(as_text=True)
    assert f'href="/admin/ticket/print/complaint/?id={ticket.id}"' in page
    assert "总部客服〔2026〕118号" in page
    sent = desk.post(
        f"/admin/ticket/act/report_to_company/?id={ticket.id}", {"note": "传真总部客服部 王经理"}
    )
    assert sent.status_code == 302
    with in_app():
        done = db.session.get(Ticket, ticket.id)
        assert (
            done.company_reported_at is not None and done.company_report == "传真总部客服部 王经理"
        )
        assert done.status is T.closed
        actions = [r.action for r in db.session.query(AuditRecord).filter_by(entity_id=ticket.id)]
        assert "report_to_company" in actions
    details = desk.get(f"/admin/ticket/details/?id={ticket.id}").get_data(as_text=True)
    assert 'id="action-report_to_company"' not in details and "传真总部客服部 王经理" in details
    printed = desk.get(f"/admin/ticket/print/complaint/?id={ticket.id}").get_data(as_text=True)
    assert "Forwarded by the company · 总部客服〔2026〕118号" in printed


def test_a_forwarded_repair_is_reported_on_its_own_sheet(
    login, office, factories, two_estates, in_app
):
    ticket = forwarded(
        factories,
        two_estates.a,
        category=TicketCategory.repair,
        reporter_name="周业主",
        reporter_phone="13912345678",
        description="电梯异响",
    )
    factories.work_order(two_estates.a, ticket_id=ticket.id, number="WO-0001")
    desk = login("desk")
    page = desk.get(f"/admin/ticket/act/report_to_company/?id={ticket.id}").get_data(as_text=True)
    sheet_url = f"/admin/ticket/print/company-report/?id={ticket.id}"
    assert f'href="{sheet_url}"' in page and "/print/complaint/" not in page
    sheet = desk.get(sheet_url).get_data(as_text=True)
    assert "Report of the result to the company" in sheet and "总部客服〔2026〕118号" in sheet
    assert "电梯异响" in sheet and "已更换路灯" in sheet and "WO-0001" in sheet
    assert "139****5678" in sheet and "13912345678" not in sheet  # the company reads it masked
    zh = login("desk", lang="zh-CN").get(sheet_url).get_data(as_text=True)
    assert "处理结果书面报告" in zh and "公司转发编号" in zh

    letter = forwarded(factories, two_estates.a, channel=Channel.letter)
    assert desk.get(f"/admin/ticket/print/company-report/?id={letter.id}").status_code == 404
    elsewhere = forwarded(factories, two_estates.b)
    assert desk.get(f"/admin/ticket/print/company-report/?id={elsewhere.id}").status_code == 404


@pytest.mark.parametrize(
    "fields",
    [
        {"status": T.in_progress},  # not handled yet
        {"channel": Channel.letter},  # the resident's own letter
    ],
)
def test_not_offered_before_handling_or_for_anothers_call(
    login, office, factories, two_estates, in_app, fields
):
    ticket = forwarded(factories, two_estates.a, **fields)
    desk = login("desk")
    details = desk.get(f"/admin/ticket/details/?id={ticket.id}").get_data(as_text=True)
    assert 'id="action-report_to_company"' not in details
    desk.post(f"/admin/ticket/act/report_to_company/?id={ticket.id}", {"note": "x"})
    with in_app():
        assert db.session.get(Ticket, ticket.id).company_reported_at is None


def test_too_long_a_note_is_refused_and_nothing_is_kept(
    login, office, factories, two_estates, in_app
):
    ticket = forwarded(factories, two_estates.a)
    page = login("desk").post(
        f"/admin/ticket/act/report_to_company/?id={ticket.id}", {"note": "传" * 501}
    )
    assert page.status_code == 200 and "500 characters" in page.get_data(as_text=True)
    with in_app():
        assert db.session.get(Ticket, ticket.id).company_reported_at is None


def test_a_technician_may_not_and_another_estate_does_not_see_it(
    login, office, factories, two_estates, in_app
):
    ticket = forwarded(factories, two_estates.b)
    assert login("desk").get(
        f"/admin/ticket/act/report_to_company/?id={ticket.id}"
    ).status_code in (302, 404)
    mine = forwarded(factories, two_estates.a)
    assert login("tech").get(f"/admin/ticket/act/report_to_company/?id={mine.id}").status_code in (
        302,
        403,
        404,
    )
    with in_app():
        assert db.session.get(Ticket, mine.id).company_reported_at is None


def test_not_reported_a_day_after_closing_reminds_then_the_supervisors(
    app, factories, in_app, time_machine
):
    time_machine.move_to(office_time(2026, 11, 23, 10, 0), tick=False)  # a Monday
    people = staff_office(factories)
    ticket = forwarded(
        factories,
        people.world.a,
        received_by_id=people.receptionist.id,
        closed_at=office_time(2026, 11, 23, 10, 0).replace(tzinfo=None),
    )
    expected = [("company_report", 0, "ticket", ticket.id)]
    time_machine.move_to(office_time(2026, 11, 24, 5, 59), tick=False)
    sweep_here(app)
    assert inbox(in_app, people.receptionist, handoffs=False) == []
    time_machine.move_to(office_time(2026, 11, 24, 10, 0), tick=False)
    sweep_here(app)
    assert inbox(in_app, people.receptionist, handoffs=False) == expected
    assert inbox(in_app, people.supervisor, handoffs=False) == [
        ("company_report", 1, "ticket", ticket.id)
    ]
    for person in (people.receptionist_b, people.supervisor_b):
        assert inbox(in_app, person) == []


def test_reported_in_time_reminds_nobody(app, factories, in_app, time_machine):
    time_machine.move_to(office_time(2026, 11, 23, 10, 0), tick=False)
    people = staff_office(factories)
    forwarded(
        factories,
        people.world.a,
        received_by_id=people.receptionist.id,
        closed_at=office_time(2026, 11, 23, 10, 0).replace(tzinfo=None),
        company_reported_at=office_time(2026, 11, 23, 11, 0).replace(tzinfo=None),
    )
    time_machine.move_to(office_time(2026, 11, 25, 10, 0), tick=False)
    sweep_here(app)
    assert inbox(in_app, people.receptionist, handoffs=False) == []
    assert inbox(in_app, people.supervisor, handoffs=False) == []


def test_the_channel_in_chinese(login, office):
    form = login("desk", lang="zh-CN").get("/admin/ticket/new/").get_data(as_text=True)
    assert "公司转发" in form
