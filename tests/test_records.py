"""Creating, editing and deleting records through the panel, as the office staff do."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import openpyxl
import pytest

from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    Department,
    Occupancy,
    Resident,
    Role,
    Staff,
    Trade,
    Unit,
)
from admin_app.panel import rows

VALID_ID = "11010519491231002X"


@pytest.fixture
def world(factories):
    return factories.two_estates()


@pytest.fixture
def reception(factories, world):
    return factories.staff(Role.receptionist, estates=[world.a])


@pytest.fixture
def supervisor(factories, world):
    return factories.staff(Role.supervisor, estates=[world.a])


def resident_form(world, **overrides):
    data = {
        "estate": world.a.id,
        "unit": world.unit_a.id,
        "name": "赵六",
        "phone": "13912345678",
        "role": "owner",
        "id_number": "",
        "move_in": "",
        "move_out": "",
        "email": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def count(in_app, model, **where) -> int:
    with in_app():
        return db.session.query(model).filter_by(**where).count()


def test_create_resident_in_own_estate(login, world, reception, in_app):
    c = login(reception)
    response = c.post("/admin/resident/new/", resident_form(world, phone="+86 139-1234-5678"))
    assert response.status_code == 302
    with in_app():
        created = db.session.query(Resident).filter_by(name="赵六").one()
        assert created.phone == "13912345678"  # normalised
        assert created.estate_id == world.a.id
        history = (
            db.session.query(AuditRecord)
            .filter_by(entity_type="resident", entity_id=created.id)
            .one()
        )
        assert history.action == "create"
        assert history.actor_id == reception.id
        assert history.changes["name"] == [None, "赵六"]


def test_create_in_another_estate_is_refused(login, world, reception, in_app):
    c = login(reception)
    response = c.post(
        "/admin/resident/new/",
        resident_form(world, estate=world.b.id, unit=world.unit_b.id),
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert count(in_app, Resident, name="赵六") == 0
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_unit_of_another_estate_cannot_be_named(login, world, reception, in_app):
    c = login(reception)
    response = c.post("/admin/resident/new/", resident_form(world, unit=world.unit_b.id))
    assert response.status_code == 200  # the form again, with the error
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert count(in_app, Resident, name="赵六") == 0


def test_company_wide_user_cannot_mix_estates(factories, login, world, in_app):
    director = factories.staff(Role.director, all_estates=True)
    c = login(director)
    response = c.post(
        "/admin/resident/new/", resident_form(world, unit=world.unit_b.id), follow_redirects=True
    )
    assert "belongs to another estate" in response.get_data(as_text=True)
    assert count(in_app, Resident, name="赵六") == 0


def test_invalid_phone_and_id_are_explained(login, world, reception, in_app):
    c = login(reception)
    response = c.post(
        "/admin/resident/new/", resident_form(world, phone="12345", id_number="110105194912310021")
    )
    text = response.get_data(as_text=True)
    assert "mainland mobile number" in text
    assert "ID number is not valid" in text
    assert count(in_app, Resident, name="赵六") == 0


def test_duplicate_resident_gets_a_clear_message(login, world, reception, in_app):
    c = login(reception)
    c.post("/admin/resident/new/", resident_form(world))
    response = c.post("/admin/resident/new/", resident_form(world), follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "already registered in this unit" in text
    assert "IntegrityError" not in text and "UNIQUE" not in text and "duplicate key" not in text
    assert count(in_app, Resident, name="赵六") == 1


def test_id_number_is_encrypted_and_masked_everywhere(login, world, supervisor, in_app):
    c = login(supervisor)
    c.post("/admin/resident/new/", resident_form(world, id_number=VALID_ID.lower()))
    with in_app():
        row = db.session.query(Resident).filter_by(name="赵六").one()
        assert row.id_number == VALID_ID
        assert VALID_ID not in (row.id_number_enc or "")
        assert row.id_number_masked == "110105********002X"
        resident_id = row.id
        history = (
            db.session.query(AuditRecord).filter_by(entity_id=row.id, entity_type="resident").one()
        )
        assert VALID_ID not in str(history.changes)
    pages = [
        c.get("/admin/resident/").get_data(as_text=True),
        c.get(f"/admin/resident/details/?id={resident_id}").get_data(as_text=True),
        c.get(f"/admin/resident/edit/?id={resident_id}").get_data(as_text=True),
        c.get("/admin/resident/export/csv/").get_data(as_text=True),
    ]
    for page in pages:
        assert VALID_ID not in page
    assert "110105********002X" in pages[0] and "110105********002X" in pages[1]


def test_blank_id_number_keeps_the_stored_one(login, world, reception, in_app):
    resident_id = world.resident_a.id
    c = login(reception)
    c.post(
        f"/admin/resident/edit/?id={resident_id}",
        resident_form(world, name="甲住户", id_number=VALID_ID),
    )
    c.post(
        f"/admin/resident/edit/?id={resident_id}",
        resident_form(world, name="甲住户改", id_number=""),
    )
    with in_app():
        row = db.session.get(Resident, resident_id)
        assert row.name == "甲住户改"
        assert row.id_number == VALID_ID


def test_edit_records_before_and_after(login, world, reception, in_app):
    c = login(reception)
    c.post(
        f"/admin/resident/edit/?id={world.resident_a.id}",
        resident_form(world, name="甲住户", phone="13800000009"),
    )
    with in_app():
        entry = (
            db.session.query(AuditRecord)
            .filter_by(entity_type="resident", entity_id=world.resident_a.id, action="update")
            .one()
        )
        assert entry.changes["phone"] == ["13800000001", "13800000009"]
        assert "name" not in entry.changes
    details = c.get(f"/admin/resident/details/?id={world.resident_a.id}").get_data(as_text=True)
    assert "13800000001 → 13800000009" in details


def test_moving_a_record_to_another_estate_is_refused(factories, login, world, in_app):
    director = factories.staff(Role.director, estates=[world.a])
    c = login(director)
    response = c.post(
        f"/admin/unit/edit/?id={world.unit_a.id}",
        {
            "estate": world.b.id,
            "building": "1",
            "entrance": "1",
            "room": "101",
            "kind": "residential",
            "occupancy": "vacant",
        },
        follow_redirects=True,
    )
    assert "Not a valid choice" in response.get_data(as_text=True)
    with in_app():
        assert db.session.get(Unit, world.unit_a.id).estate_id == world.a.id


def test_deleting_a_referenced_record_explains_why(factories, login, world, in_app):
    admin = factories.staff(Role.admin, estates=[world.a])
    c = login(admin)
    response = c.post(
        "/admin/unit/delete/", {"id": world.unit_a.id, "url": "/admin/unit/"}, follow_redirects=True
    )
    assert "still referenced by other records" in response.get_data(as_text=True)
    assert count(in_app, Unit, id=world.unit_a.id) == 1


def test_inline_update_respects_rights_and_scope(factories, login, world, reception, in_app):
    c = login(reception)
    ok = c.post(
        "/admin/unit/ajax/update/", {"list_form_pk": world.unit_a.id, "occupancy": "rented"}
    )
    assert ok.status_code == 200
    other = c.post(
        "/admin/unit/ajax/update/", {"list_form_pk": world.unit_b.id, "occupancy": "rented"}
    )
    assert other.status_code == 404
    sneaky = c.post("/admin/unit/ajax/update/", {"list_form_pk": world.unit_a.id, "room": "999"})
    assert sneaky.status_code == 400
    tech = login(factories.staff(Role.technician, estates=[world.a]))
    refused = tech.post(
        "/admin/unit/ajax/update/", {"list_form_pk": world.unit_a.id, "occupancy": "vacant"}
    )
    assert refused.status_code == 403
    with in_app():
        assert db.session.get(Unit, world.unit_a.id).occupancy.value == "rented"
        assert db.session.get(Unit, world.unit_b.id).occupancy.value == "vacant"
        assert db.session.get(Unit, world.unit_a.id).room == "101"


def test_list_count_is_capped(app, factories, login, world, reception, monkeypatch):
    for _ in range(5):
        factories.unit(world.a, building="3")
    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 3)
    html = login(reception).get("/admin/unit/").get_data(as_text=True)
    assert "(3+)" in html
    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 100)
    html = login(reception).get("/admin/unit/").get_data(as_text=True)
    assert "(6)" in html  # five new units and the one of two_estates


FORMULAS = ['=HYPERLINK("http://evil")', "+SUM(1,2)", "-2+3", "@cmd", "＝1+1"]


@pytest.mark.parametrize("payload", FORMULAS)
def test_export_neutralises_formulas(factories, login, world, supervisor, payload):
    unit = factories.unit(world.a, building="9")
    factories.resident(unit, name=payload)
    c = login(supervisor)
    text = c.get("/admin/resident/export/csv/").get_data(as_text=True)
    header, *rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    names = [row[header.index("Name")] for row in rows]
    assert "'" + payload in names
    book = openpyxl.load_workbook(io.BytesIO(c.get("/admin/resident/export/xlsx/").data))
    cells = [cell.value for row in book.active.iter_rows() for cell in row]
    assert "'" + payload in cells
    assert payload not in cells


def test_export_keeps_plain_negative_numbers(factories, login, world, supervisor):
    factories.resident(factories.unit(world.a, building="9"), name="-12.5")
    text = login(supervisor).get("/admin/resident/export/csv/").get_data(as_text=True)
    assert ",-12.5," in text


def test_user_content_is_escaped(factories, login, world, supervisor):
    resident = factories.resident(
        world.unit_a, name="<script>alert(1)</script>", phone="13700000000"
    )
    c = login(supervisor)
    for url in ("/admin/resident/", f"/admin/resident/details/?id={resident.id}"):
        html = c.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_ajax_lookup_searches_by_phone_prefix(factories, login, world, reception):
    factories.resident(world.unit_a, name="钱七", phone="13655550000")
    c = login(reception)
    rows = c.get("/admin/ticket/ajax/lookup/?name=resident&query=136555").get_json()
    assert [label for _, label in rows] == ["钱七 (13655550000)"]
    assert c.get("/admin/ticket/ajax/lookup/?name=resident&query=乙住户").get_json() == []


def test_duplicate_unit_gets_a_clear_message(login, world, reception, in_app):
    form = {
        "estate": world.a.id,
        "building": "1",
        "entrance": "1",
        "room": "101",
        "kind": "residential",
        "occupancy": "vacant",
    }
    response = login(reception).post("/admin/unit/new/", form, follow_redirects=True)
    assert "already exists in the estate" in response.get_data(as_text=True)
    assert count(in_app, Unit, estate_id=world.a.id) == 1


def test_inline_editor_on_the_unit_list_carries_its_record_and_a_working_token(
    login, world, reception, in_app
):
    c = login(reception)
    listing = c.get("/admin/unit/").get_data(as_text=True)
    editor = re.search(
        r'<td class="col-occupancy"><a ([^>]*data-role="x-editable"[^>]*)>', listing
    ).group(1)
    assert f'data-pk="{world.unit_a.id}"' in editor
    token = re.search(r'data-csrf="([^"]+)"', editor).group(1)
    saved = c.post(
        "/admin/unit/ajax/update/",
        {"list_form_pk": world.unit_a.id, "occupancy": "rented", "csrf_token": token},
        csrf=False,
    )
    assert saved.status_code == 200
    with in_app():
        assert db.session.get(Unit, world.unit_a.id).occupancy.value == "rented"


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_unit_lists_editors_open_on_the_stored_choice_and_are_otherwise_the_widgets(
    login, world, reception, factories, in_app, monkeypatch, lang
):
    """The list writes its in-place editors itself (panel/rows.py). Each names its unit's
    stored choice, so the editor opens on it (Flask-Admin's widget named the label shown,
    which no choice matched); the rest is the widget's HTML, choices in the page's language."""
    rented = factories.unit(world.a, room="102")
    with in_app():
        db.session.get(Unit, rented.id).occupancy = Occupancy.rented
        db.session.commit()
    c = login(reception, lang=lang)
    editors = re.compile(r'<td class="col-occupancy">(<a [^>]*>[^<]*</a>)</td>')
    token = re.compile(r'data-csrf="[^"]+"')

    def cells() -> list[str]:
        listing = c.get("/admin/unit/").get_data(as_text=True)
        return [token.sub("data-csrf", cell) for cell in editors.findall(listing)]

    ours = cells()
    label = "Rented out" if lang == "en" else "出租"
    shown = {re.search(r'data-pk="(\d+)"', cell).group(1): cell for cell in ours}
    assert 'data-value="rented"' in shown[str(rented.id)]
    assert shown[str(rented.id)].endswith(f">{label}</a>")
    choices = json.loads(html.unescape(re.search(r'data-source="([^"]*)"', ours[0]).group(1)))
    assert {"value": "rented", "text": label} in choices

    monkeypatch.setattr(rows, "ROW_FREE_TYPES", frozenset())  # every cell by the widget
    widgets = cells()
    assert len(ours) == len(widgets) == 2
    stored = re.compile(r'data-value="[^"]*"')
    assert [stored.sub("", cell) for cell in ours] == [stored.sub("", cell) for cell in widgets]
    assert f'data-value="{label}"' in "".join(widgets)  # the widget's: matches no choice


def test_a_change_of_members_reads_as_their_names_in_any_language(
    factories, login, world, supervisor, in_app
):
    """History keeps the people added by their names (not "name (role)" in the language of the
    day), and the page lists them as names, not as a Python list."""
    department = factories.department(world.a, name="工程部")
    tech = factories.staff(Role.technician, estates=[world.a], name="张师傅")
    with in_app():
        record = db.session.get(Department, department.id)
        record.members.append(db.session.get(Staff, tech.id))
        db.session.commit()
        entry = (
            db.session.query(AuditRecord)
            .filter_by(entity_type="department", entity_id=department.id, action="update")
            .one()
        )
        assert entry.changes["members"] == [[], ["张师傅"]]
    page = login(supervisor).get(f"/admin/department/details/?id={department.id}")
    assert "∅ → 张师傅" in page.get_data(as_text=True)


def test_a_change_of_trades_reads_as_the_trades_names_in_the_readers_language(
    factories, login, world, in_app
):
    """A staff member's trades are links of a trade each: history keeps their codes (not a
    Python repr of each link) and the page shows them by name, in the reader's language."""
    tech = factories.staff(Role.technician, estates=[world.a], trades=[Trade.plumbing])
    with in_app():
        db.session.get(Staff, tech.id).trades = [Trade.plumbing, Trade.electrical]
        db.session.commit()
        entry = (
            db.session.query(AuditRecord)
            .filter_by(entity_type="staff", entity_id=tech.id, action="update")
            .one()
        )
        assert entry.changes["trade_links"] == [[], ["electrical"]]
    admin = factories.staff(Role.admin, all_estates=True)
    for lang, said in (("zh-CN", "工种 : ∅ → 电工"), ("en", "Trades : ∅ → Electrical")):
        page = login(admin, lang=lang).get(f"/admin/staff/details/?id={tech.id}")
        shown = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)))
        assert said in shown and "StaffTrade" not in shown
