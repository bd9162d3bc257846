"""The household's file on a unit's and a resident's details page: its residents and every
record that names the unit or the resident, newest first, linked, counted, at most ten each,
and a "new ticket" that starts with the unit (and the resident)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.archive import operations as archive
from admin_app.extensions import db
from admin_app.models import (
    DocumentKind,
    Resident,
    Role,
    Staff,
    TicketCategory,
    Unit,
    WorkOrderStatus,
)

from ..attachments.files import pdf
from ..conftest import picked, statements_run


@pytest.fixture
def household(factories):
    """Flat 3-1-601 of estate A: two residents and one record of every kind naming it."""
    w = factories.two_estates()
    w.unit = factories.unit(w.a, building="3", entrance="1", room="601")
    w.owner = factories.resident(
        w.unit, name="王芳", phone="13912345678", id_number="11010519491231002X"
    )
    w.tenant = factories.resident(w.unit, name="李雷", phone="13700001111")
    w.ticket = factories.ticket(w.a, unit_id=w.unit.id, resident_id=w.owner.id)
    w.complaint = factories.ticket(w.a, category=TicketCategory.complaint, unit_id=w.unit.id)
    w.order = factories.work_order(w.a, unit_id=w.unit.id, resident_id=w.owner.id)
    w.renovation = factories.renovation(w.a, w.unit, owner_id=w.owner.id)
    w.worker_pass = factories.worker_pass(w.a, w.renovation, worker_name="赵师傅")
    w.vehicle_pass = factories.vehicle_pass(
        w.a, unit_id=w.unit.id, resident_id=w.tenant.id, plate="粤B66666"
    )
    w.release_pass = factories.release_pass(w.a, w.unit, applicant_id=w.tenant.id)
    # Another flat of the same estate, with records of its own.
    w.neighbour = factories.unit(w.a, building="3", entrance="1", room="602")
    factories.ticket(w.a, unit_id=w.neighbour.id, description="邻居的报修")
    return w


def _file(page: str) -> str:
    return page.split('id="household"')[1].split("</section>")[0]


def _section(page: str, key: str) -> str:
    """One section's table (empty when the section shows no rows)."""
    file = _file(page)
    if f'id="household-{key}"' not in file:
        return ""
    return file.split(f'id="household-{key}"')[1].split("</table>")[0]


def _count(page: str, key: str) -> str:
    match = re.search(rf'id="household-count-{key}"[^>]*>([^<]*)<', _file(page))
    return match.group(1) if match else ""


def test_a_units_page_shows_every_kind_of_record_of_the_household_linked_and_counted(
    household, factories, login
):
    w = household
    c = login(factories.staff(Role.supervisor, estates=[w.a]), lang="zh-CN")
    page = c.get(f"/admin/unit/details/?id={w.unit.id}").get_data(as_text=True)
    assert _count(page, "residents") == "住户 (2)"
    assert _count(page, "tickets") == "来电来访 (1)"
    assert _count(page, "complaints") == "投诉 (1)"
    assert _count(page, "work_orders") == "维修派工 (1)"
    assert _count(page, "worker_passes") == "施工人员出入证 (1)"
    linked = {
        "residents": f"/admin/resident/details/?id={w.owner.id}",
        "tickets": f"/admin/ticket/details/?id={w.ticket.id}",
        "complaints": f"/admin/ticket/details/?id={w.complaint.id}",
        "work_orders": f"/admin/work_order/details/?id={w.order.id}",
        "renovations": f"/admin/renovation/details/?id={w.renovation.id}",
        "worker_passes": f"/admin/worker_pass/details/?id={w.worker_pass.id}",
        "vehicle_passes": f"/admin/vehicle_pass/details/?id={w.vehicle_pass.id}",
        "release_passes": f"/admin/release_pass/details/?id={w.release_pass.id}",
    }
    for key, url in linked.items():
        assert f'href="{url}"' in _section(page, key), key
    # The complaint is not counted again among the tickets, nor the neighbour's repair.
    assert w.complaint.number not in _section(page, "tickets")
    assert "邻居的报修" not in _file(page)


def test_a_residents_page_shows_the_household_and_the_records_naming_the_resident(
    household, factories, login
):
    w = household
    c = login(factories.staff(Role.receptionist, estates=[w.a]))
    page = c.get(f"/admin/resident/details/?id={w.tenant.id}").get_data(as_text=True)
    assert _count(page, "residents") == "Residents (2)"  # the household: both of the flat
    assert "王芳" in _section(page, "residents")
    assert "粤B66666" in _section(page, "vehicle_passes")  # the tenant's
    assert _count(page, "work_orders") == "Work orders (0)"  # the owner's, not the tenant's
    assert _section(page, "work_orders") == ""  # an empty section shows only its count
    assert f'href="/admin/unit/details/?id={w.unit.id}"' in _file(page)


def test_phones_show_as_on_the_resident_list_and_id_numbers_never(household, factories, login):
    w = household
    c = login(factories.staff(Role.supervisor, estates=[w.a]))
    page = c.get(f"/admin/unit/details/?id={w.unit.id}").get_data(as_text=True)
    listed = c.get(f"/admin/resident/?flt0_unit={w.unit.id}").get_data(as_text=True)
    assert "13912345678" in _section(page, "residents") and "13912345678" in listed
    assert "11010519491231002X" not in page


def test_sections_are_newest_first_at_most_ten_with_a_link_to_the_rest(household, factories, login):
    w = household
    now = clock.now()
    for days in range(12):
        factories.work_order(
            w.a,
            unit_id=w.unit.id,
            description=f"第{days}天",
            created_at=now - timedelta(days=days + 1),
        )
    c = login(factories.staff(Role.supervisor, estates=[w.a]))
    page = c.get(f"/admin/unit/details/?id={w.unit.id}").get_data(as_text=True)
    table = _section(page, "work_orders")
    assert _count(page, "work_orders") == "Work orders (13)"
    assert table.count("/admin/work_order/details/") == 10
    shown = re.findall(r"第(\d+)天", table)
    assert shown == [str(d) for d in range(9)]  # newest first, after today's
    more = re.search(r'id="household-more-work_orders" href="([^"]+)">([^<]+)<', page)
    assert more.group(2) == "and 3 more"
    listed = c.get(more.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert listed.count("/admin/work_order/details/") >= 13


def test_each_count_links_to_its_list_filtered_to_the_unit_with_the_same_rows(
    household, factories, login
):
    w = household
    c = login(factories.staff(Role.supervisor, estates=[w.a]))
    page = c.get(f"/admin/unit/details/?id={w.unit.id}").get_data(as_text=True)
    links = dict(re.findall(r'id="household-count-(\w+)" href="([^"]+)"', page))
    complaints = c.get(links["complaints"].replace("&amp;", "&")).get_data(as_text=True)
    tickets = c.get(links["tickets"].replace("&amp;", "&")).get_data(as_text=True)
    table = complaints.split("model-list")[1].split("</table>")[0]
    assert w.complaint.number in table and w.ticket.number not in table
    table = tickets.split("model-list")[1].split("</table>")[0]
    assert w.ticket.number in table and w.complaint.number not in table
    assert "邻居的报修" not in table


def test_each_role_sees_only_the_kinds_it_may_view_and_its_own_rows(household, factories, login):
    w = household
    guard = login(factories.staff(Role.guard, estates=[w.a]))
    page = guard.get(f"/admin/unit/details/?id={w.unit.id}").get_data(as_text=True)
    assert _count(page, "residents") == "" and _count(page, "tickets") == ""
    assert "王芳" not in _file(page) and "13912345678" not in page
    assert _count(page, "worker_passes") == "Worker passes (1)"
    assert 'id="household-new-ticket"' not in page
    tech = factories.staff(Role.technician, estates=[w.a])
    mine = factories.work_order(
        w.a, unit_id=w.unit.id, technician_id=tech.id, status=WorkOrderStatus.dispatched
    )
    page = login(tech).get(f"/admin/unit/details/?id={w.unit.id}").get_data(as_text=True)
    assert _count(page, "work_orders") == "Work orders (1)"  # his own only
    assert mine.number in _section(page, "work_orders")


def test_another_estates_unit_and_resident_have_no_page(household, factories, login):
    w = household
    c = login(factories.staff(Role.supervisor, estates=[w.a]))
    assert c.get(f"/admin/unit/details/?id={w.unit_b.id}").status_code in (302, 404)
    assert c.get(f"/admin/resident/details/?id={w.resident_b.id}").status_code in (302, 404)


def test_new_ticket_from_a_residents_page_starts_with_the_unit_and_the_resident(
    household, factories, login
):
    w = household
    c = login(factories.staff(Role.receptionist, estates=[w.a]))
    page = c.get(f"/admin/resident/details/?id={w.owner.id}").get_data(as_text=True)
    link = re.search(r'id="household-new-ticket" href="([^"]+)"', page).group(1)
    form = c.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert picked(form, "unit") == [w.unit.id, "Bldg 3, Ent. 1, Rm 601"]
    assert picked(form, "resident") == [w.owner.id, "王芳 (13912345678)"]


def test_a_household_page_reads_each_kind_of_record_once_and_empty_kinds_not_at_all(
    app, household, factories, login
):
    """One statement counts every kind; each kind the household has adds one for its rows,
    however many rows it has; the documents and their openings come with who is named."""
    w = household
    c = login(factories.staff(Role.supervisor, estates=[w.a]))

    def reads(unit_id: int) -> list[str]:
        with statements_run(app) as run:
            assert c.get(f"/admin/unit/details/?id={unit_id}").status_code == 200
        return run

    full = reads(w.unit.id)  # residents and one record of every kind
    for _ in range(12):  # more rows of a kind it has: no more reads
        factories.ticket(w.a, unit_id=w.unit.id)
    assert len(reads(w.unit.id)) == len(full)
    # The neighbour has one ticket and nothing else: the seven empty kinds cost nothing.
    assert len(reads(w.neighbour.id)) == len(full) - 7
    with app.app_context():  # documents filed by three people, each opened
        for i in range(3):
            filer = factories.staff(Role.receptionist, estates=[w.a], name=f"前台{i}")
            filer, unit = db.session.get(Staff, filer.id), db.session.get(Unit, w.unit.id)
            owner = db.session.get(Resident, w.owner.id)
            document = archive.add_document(
                unit,
                owner,
                kind=DocumentKind.agreement,
                data=pdf(),
                filename="协议.pdf",
                actor=filer,
            )
            db.session.flush()
            archive.open_document(document, filer)
            db.session.commit()
    with statements_run(app) as run:
        page = c.get(f"/admin/unit/details/?id={w.unit.id}").get_data(as_text=True)
    assert all(f"前台{i}" in page for i in range(3))
    # …and who filed and opened each come with the documents, not one query per person.
    assert not [s for s in run if re.search(r"FROM (staff|resident)\s+WHERE \1\.id = ", s)]
