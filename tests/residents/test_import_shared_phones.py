"""Two residents of one unit with one phone (a parent and child, a landline): both are stored,
told apart by name or ID number, and a row that could be either is never written to one."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import ImportStatus, Resident, ResidentImport, Role

from ..import_files import OTHER_ID, VALID_ID, csv_bytes, row
from .test_import_operations import commit, preview, problems_of

PHONE = "13800000001"  # 甲住户's, in 甲小区 1-1-101


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    return w


def household(in_app, world) -> dict[str, tuple]:
    with in_app():
        return {
            r.name: (r.phone, r.role.value, r.id_number_masked)
            for r in db.session.query(Resident).filter_by(unit_id=world.unit_a.id)
        }


def counts(in_app, batch_id) -> tuple:
    with in_app():
        b = db.session.get(ResidentImport, batch_id)
        return b.status, b.new_count, b.updated_count, b.unchanged_count, b.invalid_count


def test_a_parent_and_child_with_one_phone_are_both_imported(in_app, world):
    data = csv_bytes(
        [row(name="甲住户", phone=PHONE), row(name="甲小宝", phone=PHONE, role="家属")]
    )
    batch_id = preview(in_app, world, data)
    assert counts(in_app, batch_id) == (ImportStatus.ready, 1, 0, 1, 0)
    assert commit(in_app, batch_id)
    assert household(in_app, world) == {
        "甲住户": (PHONE, "owner", None),
        "甲小宝": (PHONE, "family", None),
    }
    again = preview(in_app, world, data)  # the same list again changes nothing
    assert counts(in_app, again) == (ImportStatus.ready, 0, 0, 2, 0)


def test_the_child_listed_first_does_not_rename_the_parent(in_app, world):
    data = csv_bytes(
        [row(name="甲小宝", phone=PHONE, role="家属"), row(name="甲住户", phone=PHONE)]
    )
    batch_id = preview(in_app, world, data)
    assert counts(in_app, batch_id) == (ImportStatus.ready, 1, 0, 1, 0)
    assert commit(in_app, batch_id)
    assert set(household(in_app, world)) == {"甲住户", "甲小宝"}


def test_alone_in_the_file_a_new_name_still_renames_the_resident_of_that_phone(in_app, world):
    batch_id = preview(in_app, world, csv_bytes([row(name="甲住户改名", phone=PHONE)]))
    assert counts(in_app, batch_id) == (ImportStatus.ready, 0, 1, 0, 0)


def test_another_id_number_with_the_same_phone_is_another_person(in_app, world, factories):
    with in_app():
        factories.resident(world.unit_a, name="丙", phone="13700000001", id_number=VALID_ID)
        db.session.commit()
    data = csv_bytes([row(name="丁", phone="13700000001", id_number=OTHER_ID)])
    batch_id = preview(in_app, world, data)
    assert counts(in_app, batch_id) == (ImportStatus.ready, 1, 0, 0, 0)
    assert commit(in_app, batch_id)
    assert {"丙", "丁"} <= set(household(in_app, world))


def test_a_row_that_could_be_either_of_two_is_ambiguous_and_changes_nothing(in_app, world):
    first = preview(
        in_app,
        world,
        csv_bytes([row(name="甲住户", phone=PHONE), row(name="甲小宝", phone=PHONE)]),
    )
    assert commit(in_app, first)
    batch_id = preview(in_app, world, csv_bytes([row(name="甲大宝", phone=PHONE, role="租户")]))
    assert problems_of(in_app, batch_id) == {2: ["ambiguous_resident"]}
    with in_app():
        from admin_app.residents.importing.problems import render

        [problem] = db.session.get(ResidentImport, batch_id).problems
        assert render(problem["errors"][0]) == (
            "The phone number is shared by 甲住户, 甲小宝 in this unit: give the name of one of "
            "them or the ID number."
        )
    by_name = preview(in_app, world, csv_bytes([row(name="甲小宝", phone=PHONE, role="租户")]))
    assert counts(in_app, by_name) == (ImportStatus.ready, 0, 1, 0, 0)
    assert commit(in_app, by_name)
    assert household(in_app, world)["甲小宝"][1] == "tenant"
    assert household(in_app, world)["甲住户"][1] == "owner"
