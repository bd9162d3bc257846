"""The complaint's end on screen: the revisit form, the reopened round where the eye lands,
corrective actions done and verified from the record, departments and their queue, each role
seeing its own buttons and nothing of another estate."""

from __future__ import annotations

import html
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
    Estate,
    Role,
    Severity,
    Staff,
    Ticket,
    TicketCategory,
    TicketStatus,
    Validity,
)
from admin_app.models.work_order import Satisfaction

from ..conftest import page_messages, statements_run

T = TicketStatus


@pytest.fixture
def world(factories, in_app):
    w = factories.two_estates()
    for suffix, estate in (("", w.a), ("_b", w.b)):
        for role in (Role.receptionist, Role.supervisor, Role.director, Role.technician):
            setattr(w, f"{role.value}{suffix}", factories.staff(role, estates=[estate]))
    with in_app():
        for suffix, estate in (("", w.a), ("_b", w.b)):
            department = Department(
                estate_id=estate.id, name="工程部", head_id=getattr(w, f"technician{suffix}").id
            )
            db.session.add(department)
            db.session.flush()
            setattr(w, f"engineering{suffix}", department.id)
        db.session.commit()
    return w


def complaint(factories, estate, status=T.resolved, **fields):
    return factories.ticket(
        estate,
        category=TicketCategory.complaint,
        status=status,
        severity=Severity.ordinary,
        validity=Validity.valid,
        result="已整改",
        handled_at=clock.now(),
        reported_back_at=clock.now(),
        **fields,
    )


def action(factories, in_app, ticket, department_id, status=ActionStatus.open, due_in=2):
    with in_app():
        row = CorrectiveAction(
            estate_id=ticket.estate_id,
            ticket_id=ticket.id,
            number=f"{ticket.id}-A{status.value}",
            what="更换楼道灯具",
            due_at=clock.now() + timedelta(days=due_in),
            department_id=department_id,
            status=status,
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def text(response) -> str:
    return response.get_data(as_text=True)


def test_an_unsatisfied_revisit_on_the_page_reopens_it_and_shows_the_round_first(
    login, factories, world, in_app
):
    ticket = complaint(factories, world.a)
    desk = login(world.receptionist)
    form = text(desk.get(f"/admin/ticket/act/revisit_complaint/?id={ticket.id}"))
    assert 'name="outcome"' in form and "Basically satisfied" in form
    response = desk.post(
        f"/admin/ticket/act/revisit_complaint/?id={ticket.id}",
        {"outcome": "unsatisfied", "words": "灯还是不亮"},
    )
    assert response.status_code == 302
    page = text(desk.get(f"/admin/ticket/details/?id={ticket.id}"))
    assert page.index('id="complaint-round"') < page.index("details-section")
    assert "Round 2" in page and "灯还是不亮" in page
    assert 'id="complaint-rounds"' in page and "Unsatisfied" in page
    with in_app():
        record = db.session.get(Ticket, ticket.id)
        assert (record.status, record.complaint_round) == (T.in_progress, 2)
        assert record.owner_id == world.director.id


def test_only_the_director_is_offered_the_closing_of_a_reopened_complaint(login, factories, world):
    ticket = complaint(factories, world.a, status=T.in_progress, complaint_round=2)
    for person, offered in (
        (world.receptionist, False),
        (world.supervisor, False),
        (world.director, True),
    ):
        page = text(login(person).get(f"/admin/ticket/details/?id={ticket.id}"))
        assert ('id="action-close_complaint"' in page) is offered, person.role
    refused = login(world.supervisor).post(
        f"/admin/ticket/act/close_complaint/?id={ticket.id}", {"reason": "已尽力"}
    )
    assert refused.status_code == 403
    done = login(world.director).post(
        f"/admin/ticket/act/close_complaint/?id={ticket.id}", {"reason": "已书面答复业主"}
    )
    assert done.status_code == 302


def test_the_close_is_refused_on_the_page_with_the_unverified_action_named(
    login, factories, world, in_app
):
    ticket = complaint(factories, world.a, number="AA-T-9")
    action_id = action(factories, in_app, ticket, world.engineering)
    desk = login(world.receptionist)
    page = text(desk.get(f"/admin/ticket/details/?id={ticket.id}"))
    assert 'id="unverified-actions"' in page
    response = desk.post(
        f"/admin/ticket/act/revisit_complaint/?id={ticket.id}",
        {"outcome": "satisfied", "words": "满意"},
    )
    assert response.status_code == 200
    assert "Corrective action 1-Aopen is not yet verified by the service centre" in text(response)
    # Done and verified from the record's own rows.
    assert f"/admin/corrective_action/act/mark_done/?id={action_id}" in page.replace("&amp;", "&")
    assert (
        desk.post(
            f"/admin/corrective_action/act/mark_done/?id={action_id}", {"note": "已更换"}
        ).status_code
        == 302
    )
    assert (
        desk.post(
            f"/admin/corrective_action/act/verify/?id={action_id}", {"how": "现场查看"}
        ).status_code
        == 302
    )
    closed = desk.post(
        f"/admin/ticket/act/revisit_complaint/?id={ticket.id}",
        {"outcome": "satisfied", "words": "满意"},
    )
    assert closed.status_code == 302
    with in_app():
        assert db.session.get(Ticket, ticket.id).status is T.closed


def test_supervisors_add_actions_and_the_desk_does_not(login, factories, world, in_app):
    ticket = complaint(factories, world.a, status=T.in_progress)
    desk_page = text(login(world.receptionist).get(f"/admin/ticket/details/?id={ticket.id}"))
    assert 'id="action-add_action"' not in desk_page
    boss = login(world.supervisor)
    form = text(boss.get(f"/admin/ticket/act/add_action/?id={ticket.id}"))
    assert "工程部" in form
    due = (clock.now() + timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    response = boss.post(
        f"/admin/ticket/act/add_action/?id={ticket.id}",
        {"what": "更换灯具", "department": str(world.engineering), "owner": "0", "due_at": due},
    )
    assert response.status_code == 302, page_messages(text(response))
    with in_app():
        assert db.session.query(CorrectiveAction).filter_by(ticket_id=ticket.id).count() == 1


def test_the_department_page_shows_its_queue_and_another_estates_does_not_exist(
    login, factories, world, in_app
):
    ticket = complaint(factories, world.a, status=T.in_progress, department_id=world.engineering)
    late = action(factories, in_app, ticket, world.engineering, due_in=-1)
    other = complaint(factories, world.b, status=T.in_progress)
    other_action = action(factories, in_app, other, world.engineering_b)
    boss = login(world.supervisor)
    page = text(boss.get(f"/admin/department/details/?id={world.engineering}"))
    assert 'id="department-queue"' in page
    overdue = page[page.index('id="overdue-actions"') : page.index('id="open-actions"')]
    assert f"/admin/corrective_action/details/?id={late}" in overdue
    assert f"/admin/ticket/details/?id={ticket.id}" in page
    listing = text(boss.get("/admin/department/"))
    assert f"id={world.engineering}" in listing and f"id={world.engineering_b}" not in listing
    for url in (
        f"/admin/department/details/?id={world.engineering_b}",
        f"/admin/corrective_action/details/?id={other_action}",
    ):
        assert boss.get(url).status_code in (302, 404)
    refused = boss.post(f"/admin/corrective_action/act/mark_done/?id={other_action}", {"note": "x"})
    assert refused.status_code == 404
    with in_app():
        assert db.session.get(CorrectiveAction, other_action).status is ActionStatus.open


@pytest.mark.parametrize(
    ("role", "status"),
    [("technician", 403), ("receptionist", 200), ("supervisor", 200), ("director", 200)],
)
def test_who_opens_the_corrective_actions_and_departments(login, world, role, status):
    person = login(getattr(world, role))
    assert person.get("/admin/corrective_action/").status_code == status
    assert person.get("/admin/department/").status_code == status


def test_a_receptionist_reads_departments_but_does_not_change_them(login, world):
    desk = login(world.receptionist)
    assert desk.get("/admin/department/new/").status_code in (302, 403)


def test_a_department_head_from_another_estate_is_refused(login, factories, world, in_app):
    # A supervisor cannot even pick one (the lookup holds the estate's staff); an
    # administrator, who sees everyone, is told.
    admin = factories.staff(Role.admin, all_estates=True)
    for person, message in (
        (world.supervisor, "Not a valid choice"),
        (admin, "does not work in this estate"),
    ):
        response = login(person).post(
            "/admin/department/new/",
            {"estate": str(world.a.id), "name": "保洁部", "head": str(world.technician_b.id)},
        )
        assert message in text(response)
    with in_app():
        assert db.session.query(Department).filter_by(name="保洁部").count() == 0


def test_a_new_estate_is_offered_the_usual_departments(login, factories, in_app):
    admin = factories.staff(Role.admin, all_estates=True)
    page = login(admin)
    form = text(page.get("/admin/estate/new/"))
    assert "usual departments" in form
    response = page.post(
        "/admin/estate/new/", {"code": "NEW", "name": "新小区", "usual_departments": "y"}
    )
    assert response.status_code == 302
    with in_app():
        estate = db.session.query(Estate).filter_by(code="NEW").one()
        names = {d.name for d in db.session.query(Department).filter_by(estate_id=estate.id)}
    assert names == {"工程部", "保洁部", "安保部", "客服部"}


def _queue(world, in_app, complaints: int, late: int, waiting: int) -> None:
    """Complaints handed to engineering, and its actions overdue and waiting, each action
    owned by a person of its own."""
    with in_app():
        estate = db.session.get(Estate, world.a.id)
        for _ in range(complaints):
            ticket = Ticket(
                estate_id=estate.id,
                category=TicketCategory.complaint,
                status=T.in_progress,
                received_at=clock.now(),
                description="噪音",
                department_id=world.engineering,
            )
            db.session.add(ticket)
        db.session.flush()
        for n, due_in in enumerate([-1] * late + [2] * waiting):
            owner = Staff(
                username=f"owner{late}{waiting}{n}", name=f"责任人{n}", role=Role.technician
            )
            owner.set_password("irrelevant-9")
            owner.estates = [estate]
            db.session.add(owner)
            db.session.flush()
            db.session.add(
                CorrectiveAction(
                    estate_id=estate.id,
                    ticket_id=ticket.id,
                    number=f"{ticket.id}-Q{late}{waiting}{n}",
                    what="更换楼道灯具",
                    due_at=clock.now() + timedelta(days=due_in),
                    department_id=world.engineering,
                    owner_id=owner.id,
                )
            )
        db.session.commit()


def test_a_long_department_queue_shows_its_first_rows_and_how_many_more_at_the_same_cost(
    app, login, world, in_app
):
    boss = login(world.supervisor)
    url = f"/admin/department/details/?id={world.engineering}"

    def read() -> tuple[str, int]:
        with statements_run(app) as run:
            page = text(boss.get(url))
        return page, len(run)

    _queue(world, in_app, complaints=1, late=1, waiting=1)
    short, few = read()
    assert '-more"' not in short
    _queue(world, in_app, complaints=22, late=23, waiting=24)
    page, many = read()
    assert many == few  # the owners come with their actions, whatever their number
    for table, rest in (("overdue-actions", 4), ("open-actions", 5), ("department-complaints", 3)):
        rows = page.split(f'id="{table}"')[1].split("</table>")[0].count("<tr")
        assert rows == 1 + 20, table  # the header and the first twenty
        assert f"and {rest} more" in page.split(f'id="{table}-more"')[1].split("</p>")[0]
    # Each "and N more" opens the list of that table's rows: 23 + 1 overdue, 24 + 1 waiting.
    for table, rows in (("overdue-actions", 24), ("open-actions", 25)):
        link = re.search(rf'id="{table}-more"><a href="([^"]+)"', page).group(1)
        listed = text(boss.get(html.unescape(link) + "&page_size=100"))
        assert listed.count("/admin/corrective_action/details/?id=") == rows, table


def test_a_complaints_page_reads_its_rounds_and_actions_with_whom_they_name(
    app, login, world, factories, in_app
):
    """Each round and action names people (owner, revisited, done, verified by) and a
    department; the page reads them with the rounds and actions, however many there are."""
    boss = login(world.supervisor)

    def page_of(rounds: int, actions: int) -> tuple[str, int]:
        ticket = complaint(factories, world.a, status=T.in_progress)
        people = [factories.staff(Role.supervisor, estates=[world.a]) for _ in range(4)]
        with in_app():
            department = Department(estate_id=world.a.id, name=f"部门{ticket.id}")
            db.session.add(department)
            db.session.flush()
            for n in range(1, rounds + 1):
                db.session.add(
                    ComplaintRound(
                        estate_id=world.a.id,
                        ticket_id=ticket.id,
                        number=n,
                        owner_id=people[n % 4].id,
                        outcome=Satisfaction.unsatisfied,
                        resident_words="还是吵",
                        revisited_at=clock.now(),
                        revisited_by_id=people[(n + 1) % 4].id,
                    )
                )
            for n in range(actions):
                db.session.add(
                    CorrectiveAction(
                        estate_id=world.a.id,
                        ticket_id=ticket.id,
                        number=f"{ticket.id}-R{n}",
                        what="更换楼道灯具",
                        due_at=clock.now(),
                        department_id=department.id if n else world.engineering,
                        owner_id=people[n % 4].id,
                        status=ActionStatus.verified,
                        done_at=clock.now(),
                        done_by_id=people[(n + 1) % 4].id,
                        verified_at=clock.now(),
                        verified_by_id=people[(n + 2) % 4].id,
                    )
                )
            db.session.commit()
        with statements_run(app) as run:
            page = text(boss.get(f"/admin/ticket/details/?id={ticket.id}"))
        return page, len(run)

    _, few = page_of(rounds=1, actions=1)
    page, many = page_of(rounds=3, actions=4)
    assert page.count('id="action-row-') == 4 and "部门" in page
    assert many == few
