"""The unit import: a new estate's unit list (楼栋, 单元, 楼层, 房号, 面积, 类型, 状态), and owners
and units in one file, with the resident import's preview and confirm, error file and command
(`flask --app wsgi units import`); all rows or none."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from admin_app.extensions import db
from admin_app.models import AuditRecord, ImportStatus, Resident, ResidentImport, Role, Unit
from admin_app.residents import operations as resident_import
from admin_app.residents.importing import writing

from ..import_files import csv_bytes, other_system_xlsx

HEADER = ["楼栋", "单元", "楼层", "房号", "面积", "类型", "状态"]
UNITS = [
    ["5", "1", "1", "101", "89.50", "住宅", "已入住"],
    ["5", "1", "1", "102", "120", "住宅", "空置"],
    ["5", "1", "", "103", "36.8㎡", "商铺", "出租"],
    ["5", "2", "-1", "B01", "12", "车位", ""],
]
OWNERS = [
    ["1", "1", 1001, 10, "吴学文", 18909711443, ""],
    ["1", "1", 1002, 10, "李四", 13900139001, ""],
    ["2", "1", 2001, 20, "赵六", 13900139003, ""],
]


@pytest.fixture
def world(factories):
    w = factories.two_estates()  # 甲小区 (AA) with unit 1-1-101 and 甲住户
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    return w


def checked(in_app, world, data: bytes, name="units.csv") -> int:
    with in_app():
        batch = resident_import.start(data, name, world.a.id, actor=world.reception, kind="units")
        if batch.status is ImportStatus.checking:
            resident_import.check(batch)
        db.session.commit()
        return batch.id


def commit(in_app, batch_id: int) -> None:
    with in_app():
        batch = db.session.get(ResidentImport, batch_id)
        resident_import.confirm(batch)
        assert resident_import.commit(batch)
        db.session.commit()


def units_of(in_app, world) -> dict[str, tuple]:
    with in_app():
        return {
            f"{u.building}-{u.entrance}-{u.room}": (
                u.floor,
                u.area_m2,
                u.kind.value,
                u.occupancy.value,
            )
            for u in db.session.query(Unit).filter_by(estate_id=world.a.id)
        }


def test_a_unit_list_creates_the_units_with_floor_area_type_and_occupancy(in_app, world):
    batch_id = checked(in_app, world, csv_bytes(UNITS, header=HEADER))
    with in_app():
        batch = db.session.get(ResidentImport, batch_id)
        assert (batch.status, batch.units_created, batch.invalid_count) == (
            ImportStatus.ready,
            4,
            0,
        )
        assert batch.new_count == 0  # no residents in a unit list
    assert set(units_of(in_app, world)) == {"1-1-101"}  # nothing before the confirmation
    commit(in_app, batch_id)
    found = units_of(in_app, world)
    assert found["5-1-101"] == (1, Decimal("89.50"), "residential", "occupied")
    assert found["5-1-103"] == (None, Decimal("36.80"), "commercial", "rented")
    assert found["5-2-B01"] == (-1, Decimal("12.00"), "parking", "vacant")
    with in_app():
        assert (
            db.session.query(AuditRecord).filter_by(entity_type="unit", action="import").count()
            == 4
        )
    again = checked(in_app, world, csv_bytes(UNITS, header=HEADER))
    with in_app():
        batch = db.session.get(ResidentImport, again)
        assert (batch.units_created, batch.preview["units_unchanged"]) == (0, 4)


def test_a_stored_unit_is_updated_field_by_field(in_app, world, login):
    batch_id = checked(
        in_app, world, csv_bytes([["1", "1", "3", "101", "75", "", "出租"]], header=HEADER)
    )
    with in_app():
        batch = db.session.get(ResidentImport, batch_id)
        assert batch.preview["units_updated"] == 1
        [update] = batch.preview["unit_updates"]
        assert update["unit"] == ["1", "1", "101"]
        assert update["changes"] == {
            "floor": [1, 3],
            "area_m2": [None, "75.00"],
            "occupancy": ["vacant", "rented"],
        }
    html = login(world.reception).get(f"/admin/resident_import/{batch_id}/").get_data(True)
    assert "Occupancy</b>: Vacant → Rented out" in html and "Floor</b>: 1 → 3" in html
    commit(in_app, batch_id)
    assert units_of(in_app, world)["1-1-101"] == (3, Decimal("75.00"), "residential", "rented")


def test_invalid_unit_rows_are_listed_with_their_reasons(in_app, world, login):
    rows = [
        *UNITS[:2],
        ["5", "1", "二十", "104", "大", "城堡", "已入住"],
        ["5", "1", "2", "101", "90", "住宅", ""],
    ]
    batch_id = checked(in_app, world, csv_bytes(rows, header=HEADER))
    with in_app():
        batch = db.session.get(ResidentImport, batch_id)
        found = {p["row"]: [e[0] for e in p["errors"]] for p in batch.problems}
    assert found == {
        4: ["bad_floor", "bad_area", "bad_unit_kind"],
        5: ["unit_rows_disagree"],  # 5-1-101 again, on floor 2 and with another area
    }
    c = login(world.reception)
    response = c.get(f"/admin/resident_import/{batch_id}/invalid.csv")
    listed = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert listed[0][:3] == ["Error", "Row", "楼栋"]
    assert listed[1][0].startswith("二十 is not a floor") and listed[1][1] == "4"


def test_owners_and_units_in_one_file_all_or_nothing(in_app, world, monkeypatch):
    data = other_system_xlsx(OWNERS)
    batch_id = checked(in_app, world, data, name="rooms.xlsx")
    with in_app():
        batch = db.session.get(ResidentImport, batch_id)
        assert (batch.units_created, batch.new_count, batch.invalid_count) == (3, 3, 0)

    def disk_full(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writing, "_create_residents", disk_full)
    with in_app(), pytest.raises(RuntimeError):
        batch = db.session.get(ResidentImport, batch_id)
        resident_import.confirm(batch)
        resident_import.commit(batch)
    assert set(units_of(in_app, world)) == {"1-1-101"}  # not the units without their owners
    monkeypatch.undo()
    commit(in_app, checked(in_app, world, data, name="rooms.xlsx"))
    found = units_of(in_app, world)
    assert found["1-1-1001"] == (10, Decimal("94.56"), "residential", "occupied")
    with in_app():
        owner = db.session.query(Resident).filter_by(name="吴学文").one()
        assert (owner.unit.room, owner.phone, owner.role.value) == ("1001", "18909711443", "owner")


def test_the_units_import_command(app, in_app, world, tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(csv_bytes(UNITS, header=HEADER))
    runner = app.test_cli_runner()
    dry = runner.invoke(
        args=["units", "import", str(path), "--estate", "AA", "--dry-run", "--json", "--lang", "en"]
    )
    assert dry.exit_code == 0, dry.output
    summary = json.loads(dry.output)
    assert summary["status"] == "dry_run" and summary["counts"]["units"] == 4
    assert set(units_of(in_app, world)) == {"1-1-101"}
    done = runner.invoke(args=["units", "import", str(path), "--estate", "AA", "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert "Units created: 4" in done.output and "Units changed: 0" in done.output
    assert "Read as the table: header on row 1, rows 2–5, columns 1–7." in done.output
    assert len(units_of(in_app, world)) == 5
    path.write_bytes(csv_bytes([["6", "1", "1", "101", "-3", "住宅", ""]], header=HEADER))
    refused = runner.invoke(args=["units", "import", str(path), "--estate", "AA", "--lang", "en"])
    assert refused.exit_code == 1 and "-3 is not an area" in refused.output
    assert len(units_of(in_app, world)) == 5


def test_the_page_imports_a_unit_list(login, world, in_app):
    c = login(world.reception)
    payload = {
        "estate": world.a.id,
        "kind": "units",
        "file": (io.BytesIO(csv_bytes(UNITS[:2], header=HEADER)), "units.csv"),
    }
    response = c.post("/admin/resident_import/", data=payload, content_type="multipart/form-data")
    assert response.status_code == 302
    batch_url = response.headers["Location"]
    html = c.get(batch_url).get_data(as_text=True)
    assert "Units: 2 new, 0 changed, 0 unchanged." in html
    assert "Import: 2 new and 0 changed units, 0 new and 0 updated residents" in html
    batch_id = int(batch_url.rstrip("/").rsplit("/", 1)[-1])
    assert c.post(f"/admin/resident_import/{batch_id}/confirm/").status_code == 302
    assert {"5-1-101", "5-1-102"} <= set(units_of(in_app, world))


def test_the_unit_export_imports_back_with_no_changes(login, world, in_app, factories):
    with in_app():
        factories.unit(world.a, building="5", entrance="", room="B01")
        unit = db.session.query(Unit).filter_by(estate_id=world.a.id, room="101").one()
        unit.area_m2, unit.floor = Decimal("88.25"), 3
        db.session.commit()
    commit(in_app, checked(in_app, world, csv_bytes(UNITS, header=HEADER)))
    with in_app():
        supervisor = factories.staff(Role.supervisor, estates=[world.a])
        db.session.commit()
    c = login(supervisor)  # a receptionist may not export units
    exported = c.get("/admin/unit/export/csv/").data
    before = units_of(in_app, world)
    batch_id = checked(in_app, world, exported, name="export.csv")
    with in_app():
        batch = db.session.get(ResidentImport, batch_id)
        assert batch.status is ImportStatus.ready, batch.mapping
        assert (batch.units_created, batch.invalid_count) == (0, 0)
        assert (batch.preview["units_updated"], batch.preview["units_unchanged"]) == (0, 6)
    assert units_of(in_app, world) == before
