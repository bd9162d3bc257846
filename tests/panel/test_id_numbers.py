"""A full ID number is shown or exported only on purpose, by a role that may, and every time is
in the history: who, when, which record."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import AuditRecord, Role

FULL = "11010519491231002X"
MASKED = "110105********002X"
OTHER = "440305198001011234"


@pytest.fixture
def world(factories):
    world = factories.two_estates()
    world.resident = factories.resident(
        world.unit_a, name="钱七", phone="13911110000", id_number=FULL
    )
    world.far = factories.resident(world.unit_b, name="孙八", phone="13911110001", id_number=FULL)
    world.supervisor = factories.staff(Role.supervisor, estates=[world.a])
    world.reception = factories.staff(Role.receptionist, estates=[world.a])
    return world


def trail(in_app, action):
    with in_app():
        return [
            (a.actor_id, a.entity_type, a.entity_id, a.estate_id, a.at)
            for a in db.session.scalars(
                select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.id)
            )
        ]


def test_a_supervisor_sees_the_full_number_on_purpose_and_it_is_recorded(login, world, in_app):
    c = login(world.supervisor)
    details = c.get(f"/admin/resident/details/?id={world.resident.id}").get_data(as_text=True)
    assert 'id="show-id-number"' in details and FULL not in details
    assert trail(in_app, "show_id_number") == []  # opening the record is not showing it

    page = c.post("/admin/resident/id-number/", {"id": world.resident.id})
    assert page.status_code == 200
    assert FULL in page.get_data(as_text=True)
    [(who, kind, which, estate, when)] = trail(in_app, "show_id_number")
    assert (who, kind, which, estate) == (
        world.supervisor.id,
        "resident",
        world.resident.id,
        world.a.id,
    )
    with in_app():
        assert abs(clock.now() - when) < timedelta(minutes=1)

    # The record's own history says so, in words.
    again = c.get(f"/admin/resident/details/?id={world.resident.id}").get_data(as_text=True)
    assert "Full ID number shown" in again and FULL not in again


def test_a_receptionist_has_no_button_and_is_refused_unrecorded(login, world, in_app):
    c = login(world.reception)
    details = c.get(f"/admin/resident/details/?id={world.resident.id}").get_data(as_text=True)
    assert 'id="show-id-number"' not in details
    response = c.post("/admin/resident/id-number/", {"id": world.resident.id})
    assert response.status_code == 403
    assert FULL not in response.get_data(as_text=True)
    assert trail(in_app, "show_id_number") == []


def test_a_record_of_another_estate_does_not_exist_and_nothing_is_recorded(login, world, in_app):
    response = login(world.supervisor).post("/admin/resident/id-number/", {"id": world.far.id})
    assert response.status_code == 404
    assert trail(in_app, "show_id_number") == []


def test_showing_needs_a_post_with_its_token(login, world, in_app):
    c = login(world.supervisor)
    assert c.get(f"/admin/resident/id-number/?id={world.resident.id}").status_code == 405
    refused = c.post("/admin/resident/id-number/", {"id": world.resident.id}, csrf=False)
    assert refused.status_code == 400
    assert trail(in_app, "show_id_number") == []


def rows(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_an_export_with_full_numbers_records_every_record_it_holds(login, factories, world, in_app):
    second = factories.resident(world.unit_a, name="周九", phone="13911110002", id_number=OTHER)
    c = login(world.supervisor)
    listing = c.get("/admin/resident/").get_data(as_text=True)
    assert 'id="export-full-id-numbers"' in listing

    plain = c.get("/admin/resident/export/csv/").get_data(as_text=True)
    assert MASKED in plain and FULL not in plain
    assert trail(in_app, "export_id_number") == []

    full = rows(c.get("/admin/resident/export/csv/?id_numbers=full"))
    assert {FULL, OTHER} <= {cell for row in full for cell in row}
    recorded = trail(in_app, "export_id_number")
    assert sorted((who, kind, which) for who, kind, which, _, _ in recorded) == sorted(
        (world.supervisor.id, "resident", rid) for rid in (world.resident.id, second.id)
    )  # the other estate's resident is neither exported nor recorded

    # A filtered export records only what it holds.
    search = c.get("/admin/resident/export/csv/?id_numbers=full&search=周九")
    assert OTHER in search.get_data(as_text=True) and FULL not in search.get_data(as_text=True)
    assert [which for _, _, which, _, _ in trail(in_app, "export_id_number")][-1] == second.id
    assert len(trail(in_app, "export_id_number")) == 3


def test_a_receptionist_cannot_export_full_numbers(login, world, in_app):
    c = login(world.reception)
    assert 'id="export-full-id-numbers"' not in c.get("/admin/resident/").get_data(as_text=True)
    assert c.get("/admin/resident/export/csv/?id_numbers=full").status_code == 403
    assert trail(in_app, "export_id_number") == []


def test_a_worker_pass_number_shown_and_exported_is_recorded_too(login, factories, world, in_app):
    worker = factories.worker_pass(world.a, worker_name="吴工", id_number=OTHER)
    c = login(world.supervisor)
    assert OTHER in c.post("/admin/worker_pass/id-number/", {"id": worker.id}).get_data(
        as_text=True
    )
    assert [(w, k, i) for w, k, i, _, _ in trail(in_app, "show_id_number")] == [
        (world.supervisor.id, "worker_pass", worker.id)
    ]
    exported = c.get("/admin/worker_pass/export/csv/?id_numbers=full").get_data(as_text=True)
    assert OTHER in exported
    assert [(w, k, i) for w, k, i, _, _ in trail(in_app, "export_id_number")] == [
        (world.supervisor.id, "worker_pass", worker.id)
    ]
