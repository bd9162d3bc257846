"""Confirming writes the rows the preview checked (PostgreSQL: kept on the import record and
written with COPY and INSERT … SELECT): the same residents and history, byte for byte, as the
plain path that checks every row again; nothing left behind once imported."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from admin_app import sensitive
from admin_app.extensions import db
from admin_app.models import ImportStatus, Resident, ResidentImport, Role
from admin_app.residents import operations as resident_import
from admin_app.residents.importing import staging

from ..import_files import VALID_ID, csv_bytes

HEADER = ["楼栋", "单元", "房号", "姓名", "手机", "身份", "证件号码", "入住日期", "邮箱", "备注"]
# New residents, with and without ID numbers and dates; notes that COPY must escape (tab,
# line break, backslash, a literal \N, a quote, JSON's own escapes); an update of a stored
# resident (new name by the same phone, a new ID number); a duplicate; an invalid row.
ROWS = [
    ["1", "1", "101", "甲住户", "13800000001", "业主", VALID_ID, "2020-05-01", "", "改了证件"],
    ["1", "1", "102", "新人一", "13900000001", "租户", "", "2021/6/2", "a@example.com", ""],
    ["1", "1", "102", "新人二", "+86 139-0000-0002", "家属", "", "", "", 'tab\there "q" \\N'],
    ["1", "2", "201", "王五", "13900000003", "owner", "44030519900101123X", "", "", "一\n二\\三"],
    ["1", "2", "201", "王五", "13900000003", "owner", "44030519900101123X", "", "", "一\n二\\三"],
    ["1", "2", "202", "坏号码", "139", "业主", "", "", "", ""],
    ["1", "2", "202", "赵六", "13900000004", "业主", "", "", "", "=SUM(A1)"],
]


@pytest.fixture
def postgres(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the kept preview is written with COPY: PostgreSQL only (SQLite re-checks)")


@pytest.fixture
def world(factories, in_app):
    w = factories.two_estates()
    w.a102 = factories.unit(w.a, room="102")
    factories.unit(w.b, room="102")
    for estate in (w.a, w.b):
        factories.unit(estate, entrance="2", room="201")
        factories.unit(estate, entrance="2", room="202")
    with in_app():  # the same stored resident in both estates (the file updates it)
        stored = db.session.get(Resident, w.resident_b.id)
        stored.name, stored.phone = "甲住户", "13800000001"
        db.session.commit()
    w.reception = factories.staff(Role.supervisor, estates=[w.a, w.b])
    return w


def imported(in_app, estate, actor) -> int:
    with in_app():
        batch = resident_import.start(csv_bytes(ROWS, header=HEADER), "r.csv", estate.id)
        resident_import.check(batch)
        db.session.commit()
        kept = batch.staged is not None
        resident_import.confirm(batch)
        assert resident_import.commit(batch, actor.id)
        db.session.commit()
        assert batch.status is ImportStatus.done and batch.staged is None
        return kept


def written(in_app, estate) -> tuple[list, list]:
    """The estate's residents and their import history, with ids, the estate and units put as
    the rows name them (the two estates' ids differ), ID numbers decrypted."""
    with in_app():
        residents = db.session.execute(
            text(
                "SELECT r.id, u.building, u.entrance, u.room, r.name, r.phone, r.role,"
                " r.move_in::text, r.move_out::text, r.email, r.notes, r.id_number_enc,"
                " r.id_number_hash, r.id_number_masked, r.import_batch_id IS NOT NULL"
                " FROM resident r JOIN unit u ON u.id = r.unit_id"
                " WHERE r.estate_id = :e ORDER BY r.id"
            ),
            {"e": estate.id},
        ).all()
        rank = {r[0]: n for n, r in enumerate(residents)}
        units = dict(db.session.execute(text("SELECT id, room FROM unit")).all())
        rows = [
            (*r[1:11], sensitive.decrypt(r[11]), *r[12:]) for r in residents
        ]  # the encryption's nonce differs each time: compare the numbers
        history = db.session.execute(
            text(
                "SELECT entity_type, entity_id, changes::text, action, actor_id FROM audit_record"
                " WHERE estate_id = :e AND action = 'import' ORDER BY id"
            ),
            {"e": estate.id},
        ).all()
    entries = []
    for kind, entity, changes, action, actor in history:
        changes = re.sub(r'"estate_id": \[null, \d+\]', '"estate_id": [null, E]', changes)
        changes = re.sub(
            r'"unit_id": \[null, (\d+)\]',
            lambda m: f'"unit_id": [null, "{units[int(m[1])]}"]',
            changes,
        )
        # The import's own line (one for the residents it created) names its batch, which
        # differs between the two imports.
        entries.append(
            (kind, "batch" if kind == "import_batch" else rank[entity], changes, action, actor)
        )
    return rows, entries


def test_the_kept_rows_are_written_as_the_plain_path_writes_them(
    in_app, world, postgres, monkeypatch
):
    assert imported(in_app, world.a, world.reception)  # kept, written with COPY
    monkeypatch.setattr(staging, "usable", lambda session: False)
    assert not imported(in_app, world.b, world.reception)  # re-checked, written row by row
    staged, plain = written(in_app, world.a), written(in_app, world.b)
    assert staged[0] == plain[0]  # the residents
    assert staged[1] == plain[1]  # their history
    rows, history = staged
    assert len(rows) == 5  # 甲住户 updated, four new (a duplicate, a bad row)
    # The update's row with what changed; one line for the four created, which name it.
    assert sorted((kind, changes) for kind, _, changes, _, _ in history)[0] == (
        "import_batch",
        '{"filename": [null, "r.csv"], "residents_created": [null, 4]}',
    )
    assert [kind for kind, *_ in history].count("resident") == 1  # 甲住户's changes
    assert sorted(r[3] for r in rows if r[-1]) == sorted(r[3] for r in rows if r[3] != "甲住户")
    notes = {r[3]: r[9] for r in rows}
    assert notes["新人二"] == 'tab\there "q" \\N' and notes["王五"] == "一\n二\\三"


def test_confirming_does_not_check_the_rows_again(in_app, world, postgres, monkeypatch):
    with in_app():
        batch = resident_import.start(csv_bytes(ROWS, header=HEADER), "r.csv", world.a.id)
        resident_import.check(batch)
        db.session.commit()
        batch_id = batch.id

    def read_again(*args, **kwargs):
        raise AssertionError("the file was read and checked again")

    monkeypatch.setattr(resident_import, "_plan", read_again)
    with in_app():
        batch = db.session.get(ResidentImport, batch_id)
        resident_import.confirm(batch)
        assert resident_import.commit(batch, world.reception.id)
        db.session.commit()
        assert (batch.new_count, batch.updated_count, batch.invalid_count) == (4, 1, 1)


def test_a_resident_added_meanwhile_is_seen_by_the_commit(in_app, factories, world, postgres):
    """The kept rows are written only while the estate is as the check saw it: a colleague's
    new resident in a unit of the file makes the commit check again and ask again."""
    with in_app():
        batch = resident_import.start(csv_bytes(ROWS, header=HEADER), "r.csv", world.a.id)
        resident_import.check(batch)
        db.session.commit()
        batch_id = batch.id
    factories.resident(world.a102, name="新人一", phone="13900000001")
    with in_app():
        batch = db.session.get(ResidentImport, batch_id)
        resident_import.confirm(batch)
        assert resident_import.commit(batch, world.reception.id) is False
        db.session.commit()
        assert (batch.status, batch.notice, batch.new_count) == (ImportStatus.ready, "changed", 3)
        assert batch.staged is not None  # the new preview is kept in its turn
