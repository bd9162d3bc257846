"""Every list whose records name a unit or a resident filters by them: ?flt0_unit=<id> and
?flt0_resident=<id>, the same in every language, within the user's estates, with the record's
name in the filter bar."""

from __future__ import annotations

import re

import pytest

from admin_app.models import Role

# list -> how a record of it names the unit and the resident (built by `_records`)
LISTS = (
    "ticket",
    "work_order",
    "renovation",
    "worker_pass",
    "vehicle_pass",
    "release_pass",
)


@pytest.fixture
def desk(factories, login):
    w = factories.two_estates()
    w.unit = factories.unit(w.a, building="3", entrance="1", room="601")
    w.resident = factories.resident(w.unit, name="王芳", phone="13912345678")
    w.other_unit = factories.unit(w.a, building="5", entrance="2", room="302")
    w.other_resident = factories.resident(w.other_unit, name="李雷", phone="13700001111")
    w.client = login(factories.staff(Role.supervisor, estates=[w.a]))
    return w


def _records(factories, resource: str, estate, unit, resident):
    """One record of the list naming the unit and the resident; its number."""
    if resource == "ticket":
        return factories.ticket(estate, unit_id=unit.id, resident_id=resident.id).number
    if resource == "work_order":
        return factories.work_order(estate, unit_id=unit.id, resident_id=resident.id).number
    if resource == "renovation":
        return factories.renovation(estate, unit, owner_id=resident.id).number
    if resource == "worker_pass":
        renovation = factories.renovation(estate, unit, owner_id=resident.id)
        return factories.worker_pass(estate, renovation).number
    if resource == "vehicle_pass":
        plate = f"粤B{unit.id:05d}"
        return factories.vehicle_pass(
            estate, plate=plate, unit_id=unit.id, resident_id=resident.id
        ).number
    return factories.release_pass(estate, unit, applicant_id=resident.id).number


def _rows(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return page.split("model-list")[1].split("</table>")[0]


@pytest.mark.parametrize("resource", LISTS)
def test_a_list_filtered_by_unit_or_resident_shows_only_their_records(resource, desk, factories):
    w = desk
    mine = _records(factories, resource, w.a, w.unit, w.resident)
    theirs = _records(factories, resource, w.a, w.other_unit, w.other_resident)
    for url in (
        f"/admin/{resource}/?flt0_unit={w.unit.id}",
        f"/admin/{resource}/?flt0_resident={w.resident.id}",
    ):
        rows = _rows(w.client, url)
        assert mine in rows and theirs not in rows, url


def test_the_resident_list_filters_by_unit(desk):
    w = desk
    rows = _rows(w.client, f"/admin/resident/?flt0_unit={w.unit.id}")
    assert "王芳" in rows and "李雷" not in rows


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_filter_bar_names_the_unit_and_the_url_is_the_same_in_every_language(
    desk, factories, login, lang
):
    w = desk
    c = login(factories.staff(Role.supervisor, estates=[w.a]), lang=lang)
    page = c.get(f"/admin/ticket/?flt0_unit={w.unit.id}").get_data(as_text=True)
    groups = re.search(r'id="filter-groups-data"[^>]*>(.*?)</div>', page).group(1)
    assert '"arg": "unit"' in groups
    unit_label = "Bldg 3, Ent. 1, Rm 601" if lang == "en" else "3栋1单元601室"
    assert f'["{w.unit.id}", "{unit_label}"]' in groups.encode().decode("unicode_escape")


def test_a_filter_reached_by_link_only_is_not_offered_while_unused(desk):
    w = desk
    page = w.client.get("/admin/ticket/").get_data(as_text=True)
    offered = re.findall(r'class="dropdown-item filter"[^>]*>(.*?)</a>', page)
    assert "Category" in offered and "Unit" not in offered and "Resident" not in offered


def test_another_estates_unit_or_resident_matches_nothing_and_is_not_named(desk, factories):
    w = desk
    theirs = factories.ticket(w.b, unit_id=w.unit_b.id, resident_id=w.resident_b.id)
    for url in (
        f"/admin/ticket/?flt0_unit={w.unit_b.id}",
        f"/admin/ticket/?flt0_resident={w.resident_b.id}",
        f"/admin/resident/?flt0_unit={w.unit_b.id}",
    ):
        page = w.client.get(url).get_data(as_text=True)
        rows = page.split("model-list")[1].split("</table>")[0] if "model-list" in page else ""
        assert theirs.number not in rows and "乙住户" not in page, url


def test_an_all_estates_director_filters_any_estates_unit(desk, factories, login):
    w = desk
    theirs = factories.ticket(w.b, unit_id=w.unit_b.id)
    c = login(factories.staff(Role.director, all_estates=True))
    assert theirs.number in _rows(c, f"/admin/ticket/?flt0_unit={w.unit_b.id}")


def test_a_unit_filter_that_is_not_an_id_is_refused_not_a_crash(desk):
    w = desk
    response = w.client.get("/admin/ticket/?flt0_unit=abc")
    assert response.status_code == 200
    assert "Invalid Filter Value" in response.get_data(as_text=True)


def test_the_filter_itself_is_scoped_even_where_a_record_names_another_estates_unit(
    desk, factories
):
    w = desk
    # Saved past the forms' check (an old import, a script): estate A's ticket, B's unit.
    stray = factories.ticket(w.a, unit_id=w.unit_b.id, resident_id=w.resident_b.id)
    for url in (
        f"/admin/ticket/?flt0_unit={w.unit_b.id}",
        f"/admin/ticket/?flt0_resident={w.resident_b.id}",
    ):
        assert stray.number not in _rows(w.client, url), url
