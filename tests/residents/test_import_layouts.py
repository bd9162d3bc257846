"""The lists offices really receive: another system's template with its notes beside the table,
two-row merged headers, a title and instructions around the table, other systems' header names
(remembered per estate), first-generation ID numbers and rooms written with their entrance."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import ImportStatus, Resident, ResidentImport, Role, Unit
from admin_app.residents import operations as resident_import
from admin_app.residents.importing.problems import render
from admin_app.residents.importing.reading import read_table

from ..import_files import (
    VALID_ID,
    csv_bytes,
    other_system_xlsx,
    row,
    two_row_header_xlsx,
    xlsx_bytes,
)

OWNERS = [
    ["1", "1", "1001", "1", "吴学文", 18909711443, VALID_ID],
    ["1", "1", "1002", "1", "李四", 13900139001, ""],
    ["1", "2", "1001", "1", "王五", 13900139002, ""],
    ["2", "1", "2001", "2", "赵六", 13900139003, ""],
    ["2", "1", "2002", "2", "钱七", 13900139004, ""],
]
FIRST_GENERATION_ID = "110105491231002"  # Beijing 东城, born 1949-12-31, sequence 002


@pytest.fixture
def world(factories):
    w = factories.two_estates()  # 甲小区 (AA) 1-1-101 with 甲住户 13800000001
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    return w


def checked(in_app, world, data: bytes, name="list.xlsx", create_units=True) -> int:
    with in_app():
        batch = resident_import.start(
            data, name, world.a.id, create_units=create_units, actor=world.reception
        )
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


def batch_of(in_app, batch_id: int) -> ResidentImport:
    with in_app():
        batch = db.session.get(ResidentImport, batch_id)
        batch.preview, batch.problems  # noqa: B018 - load the deferred columns
        db.session.expunge(batch)
        return batch


def stored_residents(in_app, world) -> dict[str, tuple]:
    with in_app():
        return {
            r.name: (r.unit.building, r.unit.entrance, r.unit.room, r.phone, r.role.value)
            for r in db.session.query(Resident).filter_by(estate_id=world.a.id)
        }


def test_another_systems_template_imports_every_owner_and_skips_its_notes(in_app, world, login):
    batch_id = checked(in_app, world, other_system_xlsx(OWNERS))
    batch = batch_of(in_app, batch_id)
    assert batch.status is ImportStatus.ready, batch.refusal
    assert (batch.new_count, batch.invalid_count, batch.total_rows) == (5, 0, 5)
    assert batch.preview["table"] == {
        "sheet": "资产信息",
        "format": "xlsx",
        "header_rows": [1, 1],
        "columns": [1, 17],
        "rows": [2, 6],
        "notes": 16,
    }
    commit(in_app, batch_id)
    found = stored_residents(in_app, world)
    assert found["吴学文"] == ("1", "1", "1001", "18909711443", "owner")
    assert found["钱七"] == ("2", "1", "2002", "13900139004", "owner")  # the fifth, beside notes
    html = login(world.reception).get(f"/admin/resident_import/{batch_id}/").get_data(True)
    assert (
        "Read as the table: sheet 资产信息, header on row 1, rows 2–6, columns A–Q. "
        "16 rows of notes beside or below the table were left out." in html
    )


def test_the_template_with_an_instructions_sheet_first(in_app, world):
    batch = batch_of(
        in_app, checked(in_app, world, other_system_xlsx(OWNERS, instructions_sheet=True))
    )
    assert (batch.new_count, batch.invalid_count) == (5, 0)
    assert batch.preview["table"]["sheet"] == "资产信息"


def test_a_stray_value_right_of_a_sheets_table_is_not_called_a_comma(in_app, world):
    data = xlsx_bytes([row(room="101", phone="13800000001", name="甲住户") + ["", "多余"]])
    with in_app():
        table = read_table(data, max_rows=10)
        assert [cells for _, cells in table.rows()][0][-1] == ""  # a block after a gap: a note
    data = xlsx_bytes([row(room="101", phone="13800000001", name="甲住户") + ["多余"]])
    batch = batch_of(in_app, checked(in_app, world, data))
    [problem] = batch.problems
    with in_app():
        assert render(problem["errors"][0]) == (
            "The row has a value right of the table, in a column with no header."
        )


def test_a_two_row_merged_header_under_a_title(in_app, world, login):
    rows = [
        ["1", "1", "101", "甲住户", "13800000001", ""],
        ["3", "2", "302", "孙八", "13700137000", ""],
    ]
    batch_id = checked(in_app, world, two_row_header_xlsx(rows))
    batch = batch_of(in_app, batch_id)
    assert batch.status is ImportStatus.ready, batch.refusal
    assert batch.header == ["序号", "楼栋", "单元", "房号", "姓名", "手机", "证件号码"]
    assert (batch.new_count, batch.unchanged_count, batch.invalid_count) == (1, 1, 0)
    assert batch.preview["table"]["header_rows"] == [2, 3]
    html = login(world.reception).get(f"/admin/resident_import/{batch_id}/").get_data(True)
    assert "header on rows 2–3 (two rows joined), rows 4–5, columns A–G" in html


def test_notes_below_the_table_are_left_out(in_app, world):
    data = xlsx_bytes(
        [
            row(room="101", phone="13800000001", name="甲住户"),
            [],
            ["注：手机号必填"],
            ["制表人：张"],
        ],
        title_rows=[["甲小区住户登记表"], []],
    )
    batch = batch_of(in_app, checked(in_app, world, data))
    assert (batch.unchanged_count, batch.invalid_count) == (1, 0)
    assert batch.preview["table"]["rows"] == [4, 4] and batch.preview["table"]["notes"] == 2


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["楼栋号", "单元号", "房号（室）", "业主名称", "联系方式"],
            "building entrance room name phone",
        ),
        (
            ["楼号", "单元", "房间", "业主姓名", "手机号码", "业主类型"],
            "building entrance room name phone role",
        ),
        (["房屋编号", "住户名称", "业主电话", "性别", "建筑面积"], "unit name phone  "),
    ],
)
def test_other_systems_header_names_are_known(in_app, header, expected):
    from admin_app.residents.importing.columns import auto_mapping

    with in_app():
        assert " ".join(auto_mapping(header)) == expected


def test_the_matching_step_is_remembered_for_the_estates_next_file(in_app, world):
    header = ["楼栋", "房号", "户主", "户主电话"]
    data = csv_bytes([["1", "101", "甲住户", "13800000001"]], header=header)
    first = checked(in_app, world, data, name="a.csv")
    assert batch_of(in_app, first).status is ImportStatus.mapping
    with in_app():
        batch = db.session.get(ResidentImport, first)
        resident_import.choose_columns(batch, ["building", "room", "name", "phone"])
        resident_import.check(batch)
        db.session.commit()
    second = batch_of(in_app, checked(in_app, world, data, name="b.csv"))
    assert second.status is ImportStatus.ready
    assert second.mapping == ["building", "room", "name", "phone"]
    assert second.unchanged_count == 1
    with in_app():  # another estate's choices are its own
        other = resident_import.start(data, "c.csv", world.b.id)
        assert other.status is ImportStatus.mapping
        db.session.rollback()


def test_a_first_generation_id_number_is_imported_stored_as_given_and_masked(in_app, world):
    data = csv_bytes(
        [row(room="101", name="老住户", phone="13600136000", id_number=FIRST_GENERATION_ID)]
    )
    batch_id = checked(in_app, world, data, name="old.csv")
    assert batch_of(in_app, batch_id).new_count == 1
    commit(in_app, batch_id)
    with in_app():
        resident = db.session.query(Resident).filter_by(name="老住户").one()
        assert resident.id_number_masked == "110105******002"
        assert resident.id_number == FIRST_GENERATION_ID
    again = batch_of(in_app, checked(in_app, world, data, name="again.csv"))
    assert (again.unchanged_count, again.new_count) == (1, 0)
    masked = csv_bytes(
        [row(room="101", name="老住户", phone="13600136000", id_number="110105******002")]
    )
    assert batch_of(in_app, checked(in_app, world, masked, name="masked.csv")).unchanged_count == 1


@pytest.mark.parametrize(
    "number",
    ["110105491331002", "990105491231002", "110105490230002"],  # month 13, no region, 30 Feb
)
def test_an_impossible_first_generation_id_number_says_why(in_app, world, number):
    data = csv_bytes([row(room="101", name="老住户", phone="13600136000", id_number=number)])
    [problem] = batch_of(in_app, checked(in_app, world, data, name="old.csv")).problems
    with in_app():
        message = render(problem["errors"][0])
    assert message.startswith("The 15-digit ID number ")
    assert "last character" not in message and number not in message


def test_a_room_written_with_its_entrance_in_a_file(in_app, world, factories):
    with in_app():
        factories.unit(world.a, building="1", entrance="1", room="202")
        db.session.commit()
    header = ["楼栋", "房号", "姓名", "手机"]
    data = xlsx_bytes([["1", "1单元202室", "周九", "13500135000"]], header=header)
    batch_id = checked(in_app, world, data, create_units=False)
    batch = batch_of(in_app, batch_id)
    assert (batch.new_count, batch.invalid_count, batch.units_created) == (1, 0, 0)
    commit(in_app, batch_id)
    assert stored_residents(in_app, world)["周九"][:3] == ("1", "1", "202")
    with in_app():
        assert db.session.query(Unit).filter_by(estate_id=world.a.id, room="202").count() == 1
