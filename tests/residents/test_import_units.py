"""The import reads units with the panel's one unit reader: every spelling the reader accepts
finds the same unit in a file, a room cell may carry the entrance ("1单元202室"), units it creates
read back as written, and no page shows a suffix twice ("202室室")."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale

from admin_app.extensions import db
from admin_app.models import ImportStatus, Resident, ResidentImport, Role, Unit
from admin_app.residents import operations as resident_import
from admin_app.residents.importing.problems import render
from admin_app.services import unit_reader

from ..import_files import csv_bytes, row
from ..services.test_unit_reader import FOUND, UNITS


@pytest.fixture
def world(factories):
    estate = factories.estate(code="HY", name="华苑小区")
    units = {
        name: factories.unit(estate, building=b, entrance=e, room=r).id for name, b, e, r in UNITS
    }
    reception = factories.staff(Role.receptionist, estates=[estate])
    return estate, units, reception


def check(in_app, world, data: bytes, create_units: bool = False) -> int:
    estate, _, reception = world
    with in_app():
        batch = resident_import.start(
            data, "residents.csv", estate.id, create_units=create_units, actor=reception
        )
        if batch.status is ImportStatus.checking:
            resident_import.check(batch)
        db.session.commit()
        return batch.id


def commit(in_app, batch_id: int) -> None:
    with in_app():
        batch = db.session.get(ResidentImport, batch_id)
        resident_import.confirm(batch)
        assert resident_import.commit(batch, None)
        db.session.commit()


def unit_of(in_app, world, name: str) -> int:
    with in_app():
        return db.session.query(Resident).filter_by(estate_id=world[0].id, name=name).one().unit_id


def errors_of(in_app, batch_id: int) -> list[str]:
    with in_app():
        batch = db.session.get(ResidentImport, batch_id)
        return [render(error) for p in batch.problems or [] for error in p["errors"]]


# What a unit cell must name: a building and a room (a lone "602" names no building).
UNIT_CELLS = [
    (text, name)
    for text, name in FOUND
    if any(r.building and r.room for r in unit_reader.read(text))
]


def test_most_of_the_readers_spellings_can_be_a_unit_cell():
    assert len(UNIT_CELLS) >= 35


@pytest.mark.parametrize(("text", "name"), UNIT_CELLS)
def test_a_unit_cell_finds_the_unit_the_reader_finds(in_app, world, text, name):
    data = csv_bytes([[text, "新住户", "13900000001"]], header=["房屋", "姓名", "手机"])
    batch_id = check(in_app, world, data)
    assert errors_of(in_app, batch_id) == []
    commit(in_app, batch_id)
    assert unit_of(in_app, world, "新住户") == world[1][name]


@pytest.mark.parametrize(
    ("building", "entrance", "room", "name"),
    [
        ("3", "", "1单元601室", "A"),  # the entrance written in the room cell
        ("3栋", "", "2单元601", "B"),
        ("3", "1", "1单元601室", "A"),  # said twice, the same
        ("3", "", "1-602", "C"),
        ("", "", "3-1-601", "A"),  # the whole unit in the room cell
        ("3", "", "3-2-601", "B"),
        ("３栋", "１单元", "６０１室", "A"),
        ("8", "", "201", "H"),  # stored as 8号楼 / 201室
    ],
)
def test_a_room_cell_may_carry_the_entrance(in_app, world, building, entrance, room, name):
    data = csv_bytes([row(building, entrance, room, name="新住户", phone="13900000001")])
    batch_id = check(in_app, world, data)
    assert errors_of(in_app, batch_id) == []
    commit(in_app, batch_id)
    assert unit_of(in_app, world, "新住户") == world[1][name]


def test_cells_that_disagree_are_refused(in_app, world):
    data = csv_bytes([row("3", "2", "1单元601室", name="新住户", phone="13900000001")])
    assert errors_of(in_app, check(in_app, world, data)) == [
        "1单元601室 names another Entrance than the row's other unit cells."
    ]


def test_an_ambiguous_unit_names_its_candidates(in_app, world):
    data = csv_bytes([row("3", "", "601", name="新住户", phone="13900000001")])
    assert errors_of(in_app, check(in_app, world, data)) == [
        "“3-601” could be Bldg 3, Ent. 1, Rm 601 / Bldg 3, Ent. 2, Rm 601: give the entrance."
    ]


@pytest.mark.parametrize(
    ("cells", "parts"),
    [
        (("9栋", "1单元", "901室"), ("9", "1", "901")),
        (("9", "", "1单元902室"), ("9", "1", "902")),
        (("9号楼", "", "903"), ("9", "", "903")),
        (("Bldg 9", "Ent. 2", "Rm 904"), ("9", "2", "904")),
    ],
)
def test_created_units_read_back_as_the_same_unit(in_app, world, cells, parts):
    data = csv_bytes([row(*cells, name="新住户", phone="13900000001")])
    batch_id = check(in_app, world, data, create_units=True)
    commit(in_app, batch_id)
    unit_id = unit_of(in_app, world, "新住户")
    with in_app():
        unit = db.session.get(Unit, unit_id)
        assert (unit.building, unit.entrance, unit.room) == parts
        query = db.session.query(Unit).filter_by(estate_id=world[0].id)
        labels = [str(unit)]
        with force_locale("zh_Hans_CN"):
            labels.append(str(unit))
        assert "室室" not in labels[1] and "栋栋" not in labels[1]
        for label in labels:
            assert unit_reader.find(query, label).unit.id == unit_id
    # The same file again changes nothing: no second unit.
    again = check(in_app, world, data, create_units=True)
    with in_app():
        batch = db.session.get(ResidentImport, again)
        assert (batch.unchanged_count, batch.units_created) == (1, 0)


def test_no_page_of_the_import_doubles_a_suffix(in_app, world, login):
    _, _, reception = world
    c = login(reception, lang="zh-CN")
    data = csv_bytes(
        [
            row("9栋", "", "1单元202室", name="新住户", phone="13900000001"),
            row("9栋", "1单元", "203室", name="坏号码", phone="12345"),
            row("3栋", "", "601室", name="两可", phone="13900000002"),
        ]
    )
    upload = c.post(
        "/admin/resident_import/",
        {"estate": world[0].id, "file": (io.BytesIO(data), "r.csv"), "create_units": "y"},
        content_type="multipart/form-data",
    )
    page = c.get(upload.headers["Location"]).get_data(as_text=True)
    assert "9栋1单元202室" in page and "9栋1单元203室" in page and "3栋601室" in page
    assert "“3-601”可能是3栋1单元601室 / 3栋2单元601室：请写明单元。" in page
    assert "室室" not in page and "栋栋" not in page and "单元单元" not in page
