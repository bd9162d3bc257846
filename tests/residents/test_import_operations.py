"""The import service against a real database: matching, duplicates, estates, the preview that
is re-checked at commit, all-or-nothing writes, and the history they leave."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    ImportStatus,
    Resident,
    ResidentImport,
    ResidentRole,
    Role,
    Unit,
)
from admin_app.residents import operations as resident_import
from admin_app.residents.importing import writing
from admin_app.residents.importing.problems import render

from ..import_files import HEADER_ZH, OTHER_ID, VALID_ID, csv_bytes, row


@pytest.fixture
def world(factories):
    w = factories.two_estates()  # 甲小区 (AA) 1-1-101 with 甲住户 13800000001; 乙小区 (BB) likewise
    w.unit_a2 = factories.unit(w.a, building="1", entrance="1", room="102")
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    return w


def preview(in_app, world, data: bytes, *, create_units=False, actor=None) -> int:
    """Upload and check; returns the batch id (committed, like the web request)."""
    with in_app():
        batch = resident_import.start(
            data,
            "residents.csv",
            world.a.id,
            create_units=create_units,
            actor=actor or world.reception,
        )
        if batch.status is ImportStatus.checking:
            resident_import.check(batch)
        db.session.commit()
        return batch.id


def commit(in_app, batch_id: int, actor_id=None) -> bool:
    with in_app():
        batch = db.session.get(ResidentImport, batch_id)
        resident_import.confirm(batch)
        done = resident_import.commit(batch, actor_id)
        db.session.commit()
        return done


def batch_of(in_app, batch_id):
    with in_app():
        batch = db.session.get(ResidentImport, batch_id)
        db.session.expunge(batch)
        return batch


def problems_of(in_app, batch_id) -> dict[int, list[str]]:
    with in_app():
        batch = db.session.get(ResidentImport, batch_id)
        return {p["row"]: [e[0] for e in p["errors"]] for p in batch.problems}


def residents(in_app, estate) -> dict[str, Resident]:
    with in_app():
        found = db.session.query(Resident).filter_by(estate_id=estate.id).all()
        db.session.expunge_all()
        return {r.name: r for r in found}


def test_new_updated_unchanged_and_invalid_rows(in_app, world):
    data = csv_bytes(
        [
            row(name="甲住户", phone="13800000001"),  # as stored: unchanged
            row(name="新住户", phone="13900000001", role="租户", id_number=VALID_ID),  # new
            row(room="102", name="二号", phone="13900000002"),  # new in the second unit
            row(room="102", name="坏号", phone="12345"),  # invalid
        ]
    )
    batch_id = preview(in_app, world, data)
    batch = batch_of(in_app, batch_id)
    assert batch.status is ImportStatus.ready
    counts = resident_import.counts(batch)
    assert counts == {
        "total": 4,
        "new": 2,
        "updated": 0,
        "unchanged": 1,
        "invalid": 1,
        "duplicates": 0,
        "units": 0,
    }
    assert problems_of(in_app, batch_id) == {5: ["bad_phone"]}
    assert set(residents(in_app, world.a)) == {"甲住户"}  # the preview wrote nothing

    assert commit(in_app, batch_id, world.reception.id)
    found = residents(in_app, world.a)
    assert set(found) == {"甲住户", "新住户", "二号"}
    assert found["新住户"].role is ResidentRole.tenant
    assert found["新住户"].id_number_masked == "110105********002X"
    with in_app():
        assert db.session.get(Resident, found["新住户"].id).id_number == VALID_ID


def test_update_shows_field_level_changes_and_writes_history(in_app, world):
    data = csv_bytes([row(name="甲住户改", phone="13800000001", role="租户", move_in="2023-05-01")])
    batch_id = preview(in_app, world, data)
    with in_app():
        batch = db.session.get(ResidentImport, batch_id)
        (update,) = batch.preview["updates"]
    assert update["resident_id"] == world.resident_a.id
    assert update["changes"] == {
        "name": ["甲住户", "甲住户改"],
        "role": ["owner", "tenant"],
        "move_in": [None, "2023-05-01"],
    }
    assert commit(in_app, batch_id, world.reception.id)
    with in_app():
        record = (
            db.session.query(AuditRecord)
            .filter_by(entity_type="resident", entity_id=world.resident_a.id, action="import")
            .one()
        )
        assert record.batch_id == batch_id
        assert record.actor_id == world.reception.id
        assert record.changes["name"] == ["甲住户", "甲住户改"]
        assert db.session.get(Resident, world.resident_a.id).role is ResidentRole.tenant


def test_a_new_phone_is_matched_by_id_number(in_app, factories, world):
    person = factories.resident(world.unit_a2, name="王五", phone="13700000007", id_number=VALID_ID)
    batch_id = preview(
        in_app,
        world,
        csv_bytes([row(room="102", name="王五", phone="13700000008", id_number=VALID_ID)]),
    )
    assert resident_import.counts(batch_of(in_app, batch_id))["updated"] == 1
    commit(in_app, batch_id)
    with in_app():
        assert db.session.get(Resident, person.id).phone == "13700000008"
        assert db.session.query(Resident).filter_by(unit_id=world.unit_a2.id).count() == 1


def test_the_same_id_in_another_unit_is_another_resident(in_app, factories, world):
    # An owner of a flat and a parking space is one resident per unit.
    factories.resident(world.unit_a, name="车位业主", phone="13700000001", id_number=VALID_ID)
    batch_id = preview(
        in_app,
        world,
        csv_bytes([row(room="102", name="车位业主", phone="13700000001", id_number=VALID_ID)]),
    )
    assert resident_import.counts(batch_of(in_app, batch_id))["new"] == 1


def test_phone_of_one_resident_and_id_of_another_is_invalid(in_app, factories, world):
    factories.resident(world.unit_a, name="有证件", phone="13700000009", id_number=VALID_ID)
    batch_id = preview(
        in_app, world, csv_bytes([row(name="混合", phone="13800000001", id_number=VALID_ID)])
    )
    assert problems_of(in_app, batch_id) == {2: ["two_residents"]}


def test_masked_id_from_an_export_confirms_the_stored_number(in_app, factories, world):
    factories.resident(world.unit_a2, name="王五", phone="13700000007", id_number=VALID_ID)
    same = row(room="102", name="王五", phone="13700000007", id_number="110105********002X")
    other = row(room="102", name="王五", phone="13700000007", id_number="440305********123X")
    assert (
        resident_import.counts(batch_of(in_app, preview(in_app, world, csv_bytes([same]))))[
            "unchanged"
        ]
        == 1
    )
    batch_id = preview(in_app, world, csv_bytes([other]))
    assert problems_of(in_app, batch_id) == {2: ["masked_id"]}


def test_a_masked_id_cannot_create_a_resident(in_app, world):
    batch_id = preview(
        in_app,
        world,
        csv_bytes(
            [row(room="102", name="新人", phone="13700000001", id_number="110105********002X")]
        ),
    )
    assert problems_of(in_app, batch_id) == {2: ["masked_id"]}


def test_empty_cells_never_erase_stored_values(in_app, factories, world):
    person = factories.resident(world.unit_a2, name="王五", phone="13700000007", id_number=VALID_ID)
    with in_app():
        stored = db.session.get(Resident, person.id)
        stored.email = "wang@example.com"
        db.session.commit()
    data = csv_bytes([["1", "1", "102", "王五", "13700000007", "", "", ""]], header=HEADER_ZH)
    batch_id = preview(in_app, world, data)
    assert resident_import.counts(batch_of(in_app, batch_id))["unchanged"] == 1


def test_identical_duplicates_are_skipped_and_differing_ones_are_all_invalid(in_app, world):
    data = csv_bytes(
        [
            row(room="102", name="甲", phone="13900000001"),
            row(room="102", name="甲", phone="13900000001"),  # the same again
            row(room="102", name="乙", phone="13900000002", id_number=VALID_ID),
            row(
                room="102", name="乙改", phone="13900000003", id_number=VALID_ID
            ),  # same ID, other data
        ]
    )
    batch_id = preview(in_app, world, data)
    batch = batch_of(in_app, batch_id)
    assert (batch.new_count, batch.duplicate_count, batch.invalid_count) == (1, 1, 2)
    assert problems_of(in_app, batch_id) == {4: ["conflicting_rows"], 5: ["conflicting_rows"]}
    with in_app():
        stored = db.session.get(ResidentImport, batch_id)
        with force_locale("en"):
            message = render(stored.problems[0]["errors"][0])
        assert message == "Rows 4, 5 describe the same resident differently."
        assert stored.preview["duplicates"] == [{"row": 3, "of": 2}]


def test_rows_of_another_estate_are_refused(in_app, factories, world):
    factories.unit(world.b, building="9", entrance="1", room="901")  # exists only in estate B
    header = ["小区", *HEADER_ZH]
    data = csv_bytes(
        [
            ["乙小区", *row(name="别处的人", phone="13900000001")],
            ["甲小区", *row(building="9", room="901", name="找不到房", phone="13900000002")],
            ["AA", *row(room="102", name="本小区", phone="13900000003")],
        ],
        header=header,
    )
    batch_id = preview(in_app, world, data)
    assert problems_of(in_app, batch_id) == {2: ["other_estate"], 3: ["no_unit"]}
    with in_app(), force_locale("en"):
        message = render(db.session.get(ResidentImport, batch_id).problems[1]["errors"][0])
    assert message == "There is no unit 9-1-901 in 甲小区."


def test_missing_units_are_created_only_when_asked(in_app, world):
    data = csv_bytes(
        [row(building="3栋", entrance="2", room="301", name="新房主", phone="13900000001")]
    )
    assert problems_of(in_app, preview(in_app, world, data)) == {2: ["no_unit"]}
    batch_id = preview(in_app, world, data, create_units=True)
    assert resident_import.counts(batch_of(in_app, batch_id))["units"] == 1
    commit(in_app, batch_id)
    with in_app():
        unit = db.session.query(Unit).filter_by(estate_id=world.a.id, room="301").one()
        assert (unit.building, unit.entrance) == ("3", "2")  # "3栋" as the panel keeps it
        assert str(unit) == "Bldg 3, Ent. 2, Rm 301"
        assert db.session.query(Resident).filter_by(unit_id=unit.id).one().name == "新房主"
        created = (
            db.session.query(AuditRecord).filter_by(entity_type="unit", entity_id=unit.id).one()
        )
        assert (created.action, created.batch_id) == ("import", batch_id)


def test_unit_spellings_match_and_a_missing_entrance_is_resolved_when_unique(in_app, world):
    data = csv_bytes(
        [
            row(building="1栋", entrance="1单元", room="101室", name="甲住户", phone="13800000001"),
            row(entrance="", room="102", name="无单元", phone="13900000001"),
        ]
    )
    batch = batch_of(in_app, preview(in_app, world, data))
    assert (batch.unchanged_count, batch.new_count, batch.invalid_count) == (1, 1, 0)


def test_missing_entrance_with_two_candidates_is_ambiguous(in_app, factories, world):
    factories.unit(world.a, building="1", entrance="2", room="102")
    batch_id = preview(
        in_app, world, csv_bytes([row(entrance="", room="102", name="谁", phone="13900000001")])
    )
    assert problems_of(in_app, batch_id) == {2: ["ambiguous_unit"]}


def test_commit_rechecks_and_asks_again_when_the_data_changed(in_app, world):
    batch_id = preview(in_app, world, csv_bytes([row(name="甲住户新名", phone="13800000001")]))
    with in_app():  # a colleague edits the same resident in the meantime
        db.session.get(Resident, world.resident_a.id).name = "别人改的"
        db.session.commit()
    assert commit(in_app, batch_id) is False
    batch = batch_of(in_app, batch_id)
    assert (batch.status, batch.notice, batch.updated_count) == (ImportStatus.ready, "changed", 1)
    with in_app():
        assert db.session.get(ResidentImport, batch_id).preview["updates"][0]["changes"][
            "name"
        ] == [
            "别人改的",
            "甲住户新名",
        ]
        assert db.session.get(Resident, world.resident_a.id).name == "别人改的"
    assert commit(in_app, batch_id) is True  # confirmed again: now it is written
    assert residents(in_app, world.a)["甲住户新名"].id == world.resident_a.id


def test_changes_elsewhere_in_the_estate_do_not_block_the_commit(in_app, factories, world):
    batch_id = preview(
        in_app, world, csv_bytes([row(room="102", name="新人", phone="13900000001")])
    )
    factories.resident(world.unit_a, name="无关的人", phone="13700000000")
    assert commit(in_app, batch_id) is True


def test_a_failure_while_writing_leaves_nothing_behind(app, in_app, world, monkeypatch):
    from admin_app.residents.jobs import commit_import

    data = csv_bytes(
        [
            row(room="102", name="新人", phone="13900000001"),
            row(name="甲住户改", phone="13800000001"),
        ]
    )
    batch_id = preview(in_app, world, data, create_units=True)
    with in_app():
        resident_import.confirm(db.session.get(ResidentImport, batch_id))
        db.session.commit()

    def broken_history(session, rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writing.history, "write", broken_history)
    # PostgreSQL writes the preview's kept rows with COPY (staging.py)
    for name in ("copy_rows",):
        monkeypatch.setattr(
            writing.history, name, lambda session, *rest: broken_history(session, rest)
        )
    with in_app(), pytest.raises(RuntimeError):
        commit_import(batch_id)
    assert set(residents(in_app, world.a)) == {"甲住户"}  # neither the new nor the changed one
    with in_app():
        assert db.session.query(AuditRecord).filter_by(action="import").count() == 0
    batch = batch_of(in_app, batch_id)
    assert batch.status is ImportStatus.failed
    with app.app_context():  # no request: jobs speak the office's language
        assert render(batch.refusal) == "导入意外失败。未导入任何数据。"


def test_a_batch_is_confirmed_once(in_app, world):
    batch_id = preview(
        in_app, world, csv_bytes([row(room="102", name="新人", phone="13900000001")])
    )
    assert commit(in_app, batch_id)
    with in_app(), pytest.raises(resident_import.ImportRefused):
        resident_import.confirm(db.session.get(ResidentImport, batch_id))
    assert len([n for n in residents(in_app, world.a) if n == "新人"]) == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (csv_bytes([]), "no_data_rows"),
        (b"\x00\x01\x02\x03" * 500, "not_a_table"),
    ],
)
def test_unreadable_files_are_recorded_as_refused_and_change_nothing(in_app, world, data, code):
    with in_app():
        batch = resident_import.start(data, "bad.csv", world.a.id, actor=world.reception)
        db.session.commit()  # the request records the upload before the check runs
        if batch.status is ImportStatus.checking:
            with pytest.raises(resident_import.ImportRefused) as refused:
                resident_import.check(batch)
            db.session.rollback()
            resident_import.mark_refused(batch.id, refused.value.problem)
            batch = db.session.get(ResidentImport, batch.id)
        db.session.commit()
        assert batch.status is ImportStatus.refused
        assert batch.refusal[0] == code
    assert set(residents(in_app, world.a)) == {"甲住户"}


def test_over_the_size_limit(in_app, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 100)
    with in_app():
        batch = resident_import.start(csv_bytes([row()] * 10), "big.csv", world.a.id)
        assert (batch.status, batch.refusal[0], batch.file_id) == (
            ImportStatus.refused,
            "file_too_large",
            None,
        )


def test_the_uploaded_file_is_stored_encrypted(in_app, world):
    from admin_app.models import StoredFile

    batch_id = preview(
        in_app, world, csv_bytes([row(name="新人", phone="13900000001", id_number=VALID_ID)])
    )
    with in_app():
        stored = db.session.get(StoredFile, db.session.get(ResidentImport, batch_id).file_id)
        assert VALID_ID.encode() not in stored.data
        assert "新人".encode() not in stored.data


def test_only_own_estates(in_app, world):
    with in_app(), pytest.raises(resident_import.Forbidden):
        resident_import.start(csv_bytes([row()]), "x.csv", world.b.id, actor=world.reception)


def test_another_estates_batch_does_not_exist_for_the_user(in_app, factories, world):
    batch_id = preview(
        in_app, world, csv_bytes([row(room="102", name="新人", phone="13900000001")])
    )
    outsider = factories.staff(Role.receptionist, estates=[world.b])
    with in_app(), pytest.raises(resident_import.NotFound):
        resident_import.batch_for(outsider, batch_id)


def test_the_second_id_number_checks_other_ids(in_app, factories, world):
    factories.resident(world.unit_a2, name="王五", phone="13700000007", id_number=VALID_ID)
    batch_id = preview(
        in_app,
        world,
        csv_bytes([row(room="102", name="王五", phone="13700000007", id_number=OTHER_ID)]),
    )
    with in_app():
        (update,) = db.session.get(ResidentImport, batch_id).preview["updates"]
    assert update["changes"] == {"id_number_masked": ["110105********002X", "440305********123X"]}
    commit(in_app, batch_id)
    with in_app():
        assert (
            db.session.query(Resident).filter_by(unit_id=world.unit_a2.id).one().id_number
            == OTHER_ID
        )
