"""The gate's lending box (百宝箱): lent from the visitors screen of the gate or the desk, back
in one tap, never more out than the box holds, the late ones reminded, the returned ones
forgotten; what each role and estate may see and do."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.lending import operations as ops
from admin_app.models import AuditRecord, BoxItem, Loan, Role, Staff, Unit
from admin_app.retention import jobs as retention
from admin_app.services.errors import ServiceError

from ..conftest import page_messages
from ..reminders_support import inbox, office_time, staff_office, sweep_here


@pytest.fixture
def people(factories, two_estates):
    return {
        "desk": factories.staff(Role.receptionist, estates=[two_estates.a], username="desk"),
        "guard": factories.staff(Role.guard, estates=[two_estates.a], username="guard"),
        "guard_b": factories.staff(Role.guard, estates=[two_estates.b], username="guard_b"),
        "tech": factories.staff(Role.technician, estates=[two_estates.a], username="tech"),
        "boss": factories.staff(Role.supervisor, estates=[two_estates.a], username="boss"),
    }


@pytest.fixture
def trolley(factories, two_estates):
    return factories.box_item(two_estates.a, name="手推车", count=1, lend_hours=4)


def lend_form(thing, **fields):
    return {"item": str(thing.id), "unit": "1-1-101", "borrower_name": "周业主", **fields}


def loans(in_app) -> list[tuple[str, str, str | None, bool]]:
    with in_app():
        return [
            (loan.item.name, loan.borrower_name, loan.phone, loan.returned_at is not None)
            for loan in db.session.query(Loan).order_by(Loan.id)
        ]


@pytest.mark.parametrize("start", ["/gate/visitors/", "/visitors/"])
def test_lent_and_back_from_the_visitors_screen(login, people, trolley, in_app, start):
    who = login("guard" if start.startswith("/gate") else "desk")
    screen = who.get(start).get_data(as_text=True)
    assert "1 of 1 in the box" in screen and 'id="nothing-lent"' in screen
    lend_link = f'href="{start}box/lend?item={trolley.id}"'
    assert lend_link in screen
    form = who.get(f"{start}box/lend?item={trolley.id}").get_data(as_text=True)
    assert re.search(rf'<input checked [^>]*type="radio" value="{trolley.id}">', form)

    sent = who.post(f"{start}box/lend", lend_form(trolley, phone="139 1234 5678"))
    assert sent.status_code == 302 and sent.location.endswith(start)
    screen = who.get(start).get_data(as_text=True)
    # The top of the screen leads to the box, saying how much is out (a phone scrolls far).
    assert re.search(r'href="#lending-box">Lending box \(Lent out 1\)<', screen)
    assert any(m.startswith("手推车 lent to 周业主, back by") for m in page_messages(screen))
    assert "0 of 1 in the box" in screen and lend_link not in screen
    assert "139****5678" in screen and "13912345678" not in screen.replace("tel:13912345678", "")
    assert loans(in_app) == [("手推车", "周业主", "13912345678", False)]
    with in_app():
        loan = db.session.query(Loan).one()
        assert loan.due_at - loan.lent_at == timedelta(hours=4)

    back = who.post(f"{start}box/back/{loan.id}")
    assert back.status_code == 302 and back.location.endswith(start)
    screen = who.get(start).get_data(as_text=True)
    assert "手推车 is back in the box." in page_messages(screen)
    assert "1 of 1 in the box" in screen and 'id="nothing-lent"' in screen
    again = who.post(f"{start}box/back/{loan.id}", follow_redirects=True)
    assert any("already back" in m for m in page_messages(again.get_data(as_text=True)))
    assert loans(in_app) == [("手推车", "周业主", "13912345678", True)]
    with in_app():
        actions = [r.action for r in db.session.query(AuditRecord).filter_by(entity_type="loan")]
        assert actions == ["loan_lent", "loan_returned"]


def test_never_more_out_than_the_box_holds(login, people, trolley, in_app):
    guard = login("guard")
    guard.post("/gate/visitors/box/lend", lend_form(trolley))
    form = guard.get("/gate/visitors/box/lend").get_data(as_text=True)
    assert 'id="box-all-out"' in form
    # Sent all the same (a second guard's page opened before): refused, nothing saved.
    page = guard.post(
        "/gate/visitors/box/lend", lend_form(trolley, borrower_name="李"), follow_redirects=True
    ).get_data(as_text=True)
    assert "No 手推车 left in the box: all 1 are lent out." in page_messages(page)
    with in_app():
        item = db.session.get(BoxItem, trolley.id)
        with pytest.raises(ServiceError, match="No 手推车 left in the box: all 1 are lent out"):
            ops.lend(
                db.session.get(Staff, people["guard"].id),
                item=item,
                unit=db.session.query(Unit).filter_by(estate_id=item.estate_id).first(),
                borrower_name="李",
            )
    assert [who for _, who, _, _ in loans(in_app)] == ["周业主"]


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"unit": "9-9-909"}, "There is no unit “9-9-909”."),
        ({"borrower_name": ""}, "This field is required."),
        ({"phone": "12ab"}, "phone number"),
        ({"item": ""}, "Choose what is lent."),
    ],
)
def test_bad_input_is_said_on_the_form_and_nothing_is_lent(
    login, people, trolley, in_app, fields, error
):
    page = login("guard").post("/gate/visitors/box/lend", lend_form(trolley, **fields))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and error in html
    assert loans(in_app) == []


def test_another_estates_item_and_loan_are_not_there(login, people, factories, two_estates, in_app):
    theirs = factories.box_item(two_estates.b, name="打气筒")
    their_loan = factories.loan(two_estates.b, item=theirs)
    guard = login("guard")
    page = guard.post("/gate/visitors/box/lend", lend_form(theirs)).get_data(as_text=True)
    assert "Not a valid choice" in page and "打气筒" not in guard.get("/gate/visitors/").get_data(
        as_text=True
    )
    assert guard.post(f"/gate/visitors/box/back/{their_loan.id}").status_code == 404
    with in_app():
        assert db.session.get(Loan, their_loan.id).returned_at is None
    assert login("tech").get("/visitors/box/lend").status_code == 403


def test_a_late_item_reminds_the_estates_guards_then_the_desk(app, factories, in_app, time_machine):
    time_machine.move_to(office_time(2026, 11, 23, 9, 0), tick=False)
    people = staff_office(factories)
    item = factories.box_item(people.world.a, name="雨伞", lend_hours=2)
    with in_app():
        loan = ops.lend(
            db.session.get(Staff, people.guard.id),
            item=db.session.get(BoxItem, item.id),
            unit=db.session.get(Unit, people.world.unit_a.id),
            borrower_name="周业主",
        )
        db.session.commit()
        loan_id = loan.id
    expected = ("loan_overdue", 0, "loan", loan_id)
    time_machine.move_to(office_time(2026, 11, 23, 10, 59), tick=False)
    sweep_here(app)
    assert inbox(in_app, people.guard, handoffs=False) == []
    time_machine.move_to(office_time(2026, 11, 23, 11, 0), tick=False)
    sweep_here(app)
    assert inbox(in_app, people.guard, handoffs=False) == [expected]
    time_machine.move_to(office_time(2026, 11, 24, 11, 0), tick=False)
    sweep_here(app)
    assert inbox(in_app, people.receptionist, handoffs=False) == [
        ("loan_overdue", 1, "loan", loan_id)
    ]
    for person in (people.guard_b, people.receptionist_b):
        assert inbox(in_app, person) == []


def test_back_in_time_reminds_nobody(app, factories, in_app, time_machine):
    time_machine.move_to(office_time(2026, 11, 23, 9, 0), tick=False)
    people = staff_office(factories)
    item = factories.box_item(people.world.a, lend_hours=2)
    with in_app():
        guard = db.session.get(Staff, people.guard.id)
        loan = ops.lend(
            guard,
            item=db.session.get(BoxItem, item.id),
            unit=db.session.get(Unit, people.world.unit_a.id),
            borrower_name="周业主",
        )
        db.session.commit()
        ops.take_back(loan, guard)
        db.session.commit()
    time_machine.move_to(office_time(2026, 11, 25, 11, 0), tick=False)
    sweep_here(app)
    assert inbox(in_app, people.guard, handoffs=False) == []


def test_returned_loans_are_forgotten_one_still_out_stays(
    app, factories, in_app, two_estates, monkeypatch
):
    monkeypatch.setitem(app.config, "RETENTION_LOAN_DAYS", 30)
    ago = lambda days: clock.now() - timedelta(days=days)  # noqa: E731
    old = factories.loan(two_estates.a, lent_at=ago(40), returned_at=ago(31))
    recent = factories.loan(two_estates.a, lent_at=ago(40), returned_at=ago(29))
    still_out = factories.loan(two_estates.a, lent_at=ago(200))
    with in_app():
        assert retention.run()["loans"] == 1
        assert {loan.id for loan in db.session.query(Loan)} == {recent.id, still_out.id}
        assert db.session.get(Loan, old.id) is None


def test_supervisors_keep_the_box_and_the_loans_list_masks_the_phone(
    login, people, factories, two_estates, in_app
):
    boss = login("boss")
    made = boss.post(
        "/admin/box_item/new/",
        {
            "estate": str(two_estates.a.id),
            "name": "雨伞",
            "count": "5",
            "lend_hours": "24",
            "active": "y",
        },
    )
    assert made.status_code == 302
    twice = boss.post(
        "/admin/box_item/new/",
        {"estate": str(two_estates.a.id), "name": "雨伞", "count": "1", "lend_hours": "24"},
    ).get_data(as_text=True)
    assert "already has an item of that name" in twice
    zero = boss.post(
        "/admin/box_item/new/",
        {"estate": str(two_estates.a.id), "name": "打气筒", "count": "0", "lend_hours": "24"},
    ).get_data(as_text=True)
    assert "Enter a number between 1 and 999." in zero
    with in_app():
        assert [i.name for i in db.session.query(BoxItem)] == ["雨伞"]
    assert login("guard").get("/admin/box_item/new/").status_code == 403
    factories.loan(two_estates.a, phone="13912345678")
    listing = login("desk").get("/admin/loan/").get_data(as_text=True)
    assert "139****5678" in listing and "13912345678" not in listing


def test_the_screen_in_chinese(login, people, trolley):
    screen = login("guard", lang="zh-CN").get("/gate/visitors/").get_data(as_text=True)
    assert "百宝箱" in screen and "手推车" in screen and "借出" in screen
    assert re.search(r'aria-label="本页内容"[^>]*>\s*<a href="#parcels-title"', screen)


def test_back_tapped_on_the_wrong_line_is_undone_from_the_screen(
    app, login, people, factories, two_estates, in_app, time_machine
):
    """Two trolleys out; the guard taps "Back" on the wrong one. The screen shows what he just
    took back with "Undo": the loan is out again with its deadline, and the one left in the box
    can be lent as before."""
    time_machine.move_to(office_time(2026, 12, 7, 10, 0), tick=False)
    trolleys = factories.box_item(two_estates.a, name="手推车", count=2, lend_hours=4)
    guard = login("guard")
    for name in ("周业主", "吴业主"):
        guard.post("/gate/visitors/box/lend", lend_form(trolleys, borrower_name=name))
    with in_app():
        wrong = db.session.query(Loan).filter_by(borrower_name="吴业主").one()
        wrong_id, due = wrong.id, wrong.due_at
    guard.post(f"/gate/visitors/box/back/{wrong_id}")
    screen = guard.get("/gate/visitors/").get_data(as_text=True)
    undo = f'action="/gate/visitors/box/back/{wrong_id}/undo"'
    assert "Just taken back by you" in screen and undo in screen
    assert "Undo the return: 手推车 from 吴业主" in screen
    assert "1 of 2 in the box" in screen
    zh = login("guard", lang="zh-CN").get("/gate/visitors/").get_data(as_text=True)
    assert "您刚登记归还的" in zh and "撤销归还：吴业主借的手推车" in zh and ">撤销<" in zh

    undone = guard.post(f"/gate/visitors/box/back/{wrong_id}/undo", follow_redirects=True)
    screen = undone.get_data(as_text=True)
    assert "手推车 is lent out again." in page_messages(screen)
    assert "0 of 2 in the box" in screen and undo not in screen
    with in_app():
        loan = db.session.get(Loan, wrong_id)
        assert (loan.returned_at, loan.returned_by_id, loan.due_at) == (None, None, due)
        actions = [
            r.action
            for r in db.session.query(AuditRecord)
            .filter_by(entity_type="loan", entity_id=wrong_id)
            .order_by(AuditRecord.id)
        ]
        assert actions == ["loan_lent", "loan_returned", "loan_return_undone"]
    # Out again, it is reminded again when late, as before the wrong tap.
    time_machine.move_to(due.replace(tzinfo=clock.office_zone()), tick=False)
    sweep_here(app)
    assert ("loan_overdue", 0, "loan", wrong_id) in inbox(in_app, people["guard"], handoffs=False)


def test_only_ones_own_recent_return_is_undone_and_never_past_the_box(
    login, people, trolley, in_app, time_machine
):
    time_machine.move_to(office_time(2026, 12, 7, 10, 0), tick=False)
    guard, desk = login("guard"), login("desk")
    guard.post("/gate/visitors/box/lend", lend_form(trolley))
    with in_app():
        first = db.session.query(Loan).one().id
    guard.post(f"/gate/visitors/box/back/{first}")
    # Someone else's return is not his to undo, nor shown to him.
    screen = desk.get("/visitors/").get_data(as_text=True)
    assert "Just taken back by you" not in screen
    refused = desk.post(f"/visitors/box/back/{first}/undo", follow_redirects=True)
    assert any("Only your own return" in m for m in page_messages(refused.get_data(as_text=True)))
    # The only trolley lent again meanwhile: undoing would make two out of one.
    desk.post("/visitors/box/lend", lend_form(trolley, borrower_name="郑业主"))
    refused = guard.post(f"/gate/visitors/box/back/{first}/undo", follow_redirects=True)
    assert any("No 手推车 left" in m for m in page_messages(refused.get_data(as_text=True)))
    # Past the minutes, the line is gone and the undo refused.
    with in_app():
        db.session.query(Loan).filter(Loan.id != first).update({"returned_at": clock.now()})
        db.session.commit()
    time_machine.move_to(office_time(2026, 12, 7, 10, ops.UNDO_MINUTES + 1), tick=False)
    assert "Just taken back by you" not in guard.get("/gate/visitors/").get_data(as_text=True)
    with in_app(), pytest.raises(ServiceError):
        ops.undo_take_back(db.session.get(Loan, first), db.session.get(Staff, people["guard"].id))
    assert [back for *_, back in loans(in_app)] == [True, True]
