"""Pages that list rows cost the same SQL statements for a few rows as for many: what a row
names (its unit, resident, work order, the person who wrote or inspected it) is read with the
rows, never one query per row or per person."""

from __future__ import annotations

from itertools import count

from sqlalchemy import insert, select

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    CorrectiveAction,
    DutyLogEntry,
    InspectionKind,
    InspectionResult,
    MoveIn,
    Occupancy,
    RenovationInspection,
    Resident,
    Role,
    Ticket,
    TicketCategory,
    Unit,
)

from .conftest import statements_run

_numbers = count(1)


def statements(app, client, url: str) -> int:
    client.get(url)  # the first request of a client warms what every page reads once
    with statements_run(app) as run:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(run)


def households(app, estate_id: int, how_many: int) -> list[tuple[int, int]]:
    """(unit, resident) pairs, written in one statement each."""
    building = f"B{next(_numbers)}"
    with app.app_context():
        db.session.execute(
            insert(Unit),
            [
                {
                    "estate_id": estate_id,
                    "building": building,
                    "entrance": "1",
                    "floor": 1,
                    "room": f"{i:03d}",
                    "occupancy": Occupancy.occupied,
                }
                for i in range(how_many)
            ],
        )
        units = db.session.scalars(select(Unit.id).where(Unit.building == building)).all()
        db.session.execute(
            insert(Resident),
            [
                {"estate_id": estate_id, "unit_id": u, "name": f"住户{u}", "phone": f"139{u:08d}"}
                for u in units
            ],
        )
        residents = db.session.scalars(
            select(Resident.id).where(Resident.unit_id.in_(units)).order_by(Resident.unit_id)
        ).all()
        db.session.commit()
    return list(zip(sorted(units), residents, strict=True))


def test_the_move_in_queue(app, factories, login):
    estate = factories.estate()
    desk = login(factories.staff(Role.receptionist, estates=[estate]))
    url = f"/admin/move_in/?estate={estate.id}"
    costs = []
    for how_many in (2, 40):
        with app.app_context():
            db.session.execute(
                insert(MoveIn),
                [
                    {"estate_id": estate.id, "unit_id": u, "resident_id": r, "stage": "notify"}
                    for u, r in households(app, estate.id, how_many)
                ],
            )
            db.session.commit()
        costs.append(statements(app, desk, url))
    assert costs[0] == costs[1]


def test_a_technicians_collections_and_the_desks_hand_in_form(app, factories, login):
    estate = factories.estate()
    tech = factories.staff(Role.technician, estates=[estate])
    phone, desk = login(tech), login(factories.staff(Role.receptionist, estates=[estate]))
    form = f"/admin/cash_hand_in/hand_in/?collector={tech.id}&estate={estate.id}"
    costs = []
    for how_many in (1, 12):
        for _ in range(how_many):
            factories.payment(estate, collected_by_id=tech.id)
        costs.append((statements(app, phone, "/tech/cash/"), statements(app, desk, form)))
    assert costs[0] == costs[1]


def test_the_printed_register_and_a_renovations_inspections(app, factories, login):
    """Each ticket of the day names who took it on; each inspection its inspector."""
    estate = factories.estate()
    boss = login(factories.staff(Role.supervisor, estates=[estate]))
    renovation = factories.renovation(estate)
    costs = []
    for how_many in (1, 6):
        people = [factories.staff(Role.receptionist, estates=[estate]) for _ in range(how_many)]
        with app.app_context():
            for person in people:
                db.session.add(
                    Ticket(
                        estate_id=estate.id,
                        category=TicketCategory.inquiry,
                        received_at=clock.now(),
                        description="报修",
                        assignee_id=person.id,
                        received_by_id=people[0].id,
                    )
                )
                db.session.add(
                    RenovationInspection(
                        estate_id=estate.id,
                        renovation_id=renovation.id,
                        kind=InspectionKind.patrol,
                        inspected_at=clock.now(),
                        result=InspectionResult.ok,
                        inspector_id=person.id,
                    )
                )
            db.session.commit()
        costs.append(
            (
                statements(app, boss, f"/admin/ticket/print/register/?estate={estate.id}"),
                statements(app, boss, f"/admin/renovation/details/?id={renovation.id}"),
            )
        )
    assert costs[0] == costs[1]


def test_a_printed_complaint_record_and_slip(app, factories, login):
    """The record lists every corrective action with its owner, as the details page does."""
    estate = factories.estate()
    boss = login(factories.staff(Role.supervisor, estates=[estate]))
    first = factories.corrective_action(estate)
    pages = [
        f"/admin/ticket/print/complaint/?id={first.ticket_id}",
        f"/admin/ticket/print/slip/?id={first.ticket_id}",
    ]
    few = [statements(app, boss, url) for url in pages]
    owners = [factories.staff(Role.receptionist, estates=[estate]) for _ in range(5)]
    with app.app_context():
        for n, owner in enumerate(owners):
            db.session.add(
                CorrectiveAction(
                    estate_id=estate.id,
                    ticket_id=first.ticket_id,
                    number=f"{first.number}-{n + 2}",
                    what="更换灯具",
                    due_at=clock.now(),
                    owner_id=owner.id,
                )
            )
        db.session.commit()
    assert [statements(app, boss, url) for url in pages] == few


def test_a_shift_log_with_lines_by_several_supervisors(app, factories, login):
    estate = factories.estate()
    guard = factories.staff(Role.guard, estates=[estate])
    shift = factories.duty_shift(estate, guard, starts_in_hours=-6, hours=12)
    phone = login(guard)
    costs = []
    for how_many in (1, 6):
        people = [factories.staff(Role.supervisor, estates=[estate]) for _ in range(how_many)]
        with app.app_context():
            for person in people:
                db.session.add(
                    DutyLogEntry(
                        estate_id=estate.id,
                        shift_id=shift.id,
                        at=clock.now(),
                        text="巡查正常",
                        written_by_id=person.id,
                    )
                )
            db.session.commit()
        costs.append(statements(app, phone, "/duty/"))
    assert costs[0] == costs[1]
