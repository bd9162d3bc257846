"""The unit reader on the ways the office writes a unit: each spelling finds its unit, or says
in the reader's language what it is missing."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from admin_app.extensions import db
from admin_app.models import Unit
from admin_app.services import unit_reader

# The estate: (name, building, entrance, room).
UNITS = [
    ("A", "3", "1", "601"),
    ("B", "3", "2", "601"),
    ("C", "3", "1", "602"),
    ("D", "13", "1", "301"),
    ("I", "13", "1", "601"),
    ("E", "5", "", "101"),
    ("F", "商业", "", "S01"),
    ("G", "A", "2", "0801"),
    ("H", "8号楼", "", "201室"),  # stored with its suffixes, as an older import wrote it
    ("J1", "7栋", "1", "101"),  # two units written alike
    ("J2", "7", "1", "101"),
]

A = "Bldg 3, Ent. 1, Rm 601"
B = "Bldg 3, Ent. 2, Rm 601"
C = "Bldg 3, Ent. 1, Rm 602"
I_ = "Bldg 13, Ent. 1, Rm 601"

FOUND = [
    ("3栋1单元601室", "A"),
    ("3-1-601", "A"),
    ("3#1-601", "A"),
    ("3＃1－601", "A"),
    ("３栋１单元６０１室", "A"),
    ("３－１－６０１", "A"),
    ("3号楼1单元601室", "A"),
    ("3幢1单元601", "A"),
    ("3座1单元601室", "A"),
    ("3号1单元601", "A"),
    ("3栋1单元601号", "A"),
    ("3栋1单元601房", "A"),
    ("3 栋 1 单元 601 室", "A"),
    ("3栋-1单元-601室", "A"),
    ("3栋1-601", "A"),
    ("3/1/601", "A"),
    (" 3 - 1 - 601 ", "A"),
    ("Bldg 3, Ent. 1, Rm 601", "A"),  # the panel's English label
    ("bldg 3, ent 1, rm 601", "A"),
    ("Building 3 Entrance 1 Room 601", "A"),
    ("3-2-601", "B"),
    ("3栋2单元601室", "B"),
    ("3栋602", "C"),  # only one 602 in building 3: the entrance may be left out
    ("3-602", "C"),
    ("602室", "C"),
    ("602", "C"),
    ("13-1-301", "D"),
    ("13栋301", "D"),
    ("301室", "D"),
    ("13#1-601", "I"),
    ("5栋101室", "E"),
    ("5-101", "E"),
    ("Bldg 5, Rm 101", "E"),
    ("5#101", "E"),
    ("商业-S01", "F"),
    ("s01", "F"),
    ("S01室", "F"),
    ("A座2单元0801", "G"),
    ("a-2-0801", "G"),
    ("8-201", "H"),
    ("8栋201室", "H"),
    ("Bldg 8, Rm 201", "H"),
]

NOT_FOUND = [
    ("3-601", f"“3-601” could be {A} / {B}: give the entrance."),
    ("3栋601", f"“3栋601” could be {A} / {B}: give the entrance."),
    ("Bldg 3, Rm 601", f"“Bldg 3, Rm 601” could be {A} / {B}: give the entrance."),
    ("601室", f"“601室” could be {I_} / {A} / {B}: give the building and the entrance."),
    ("601", f"“601” could be {I_} / {A} / {B}: give the building and the entrance."),
    ("3栋", f"“3栋” could be {A} / {C} / {B}: give the entrance and the room."),  # as listed
    ("3栋1单元", f"“3栋1单元” could be {A} / {C}: give the room."),
    (
        "7-1-101",
        "“7-1-101” matches Bldg 7, Ent. 1, Rm 101 / Bldg 7, Ent. 1, Rm 101, written alike: "
        "rename one of them in the units list.",
    ),
    ("9-1-901", "There is no unit “9-1-901”."),
    ("3-3-601", "There is no unit “3-3-601”."),
    ("1-2-3-4", "“1-2-3-4” is not a unit: write it like 3栋1单元601室 or 3-1-601."),
    ("3栋3栋", "“3栋3栋” is not a unit: write it like 3栋1单元601室 or 3-1-601."),
]


@pytest.fixture
def estate(factories):
    estate = factories.estate(code="HY", name="华苑小区")
    units = {
        name: factories.unit(estate, building=b, entrance=e, room=r).id for name, b, e, r in UNITS
    }
    other = factories.estate(code="QT", name="其他小区")
    factories.unit(other, building="9", entrance="1", room="901")  # never found from 华苑
    return estate, units


def find(estate_id: int, text: str) -> unit_reader.Found:
    query = db.session.query(Unit).filter(Unit.estate_id == estate_id)
    return unit_reader.find(query, text)


def test_the_table_has_forty_spellings_or_more():
    assert len(FOUND) + len(NOT_FOUND) >= 40


@pytest.mark.parametrize(("text", "name"), FOUND)
def test_each_spelling_finds_its_unit(estate, in_app, text, name):
    (estate, units) = estate
    with in_app():
        found = find(estate.id, text)
        assert found.message is None
        assert found.unit.id == units[name]


@pytest.mark.parametrize(("text", "message"), NOT_FOUND)
def test_an_ambiguous_or_unknown_spelling_says_why(estate, in_app, text, message):
    (estate, _) = estate
    with in_app():
        found = find(estate.id, text)
        assert found.unit is None
        assert found.message == message


def test_the_message_is_in_the_readers_language(estate, in_app):
    (estate, _) = estate
    with in_app(), force_locale("zh_Hans_CN"):
        assert find(estate.id, "3-601").message == (
            "“3-601”可能是3栋1单元601室 / 3栋2单元601室：请写明单元。"
        )
        assert find(estate.id, "601室").message == (
            "“601室”可能是13栋1单元601室 / 3栋1单元601室 / 3栋2单元601室：请写明楼栋和单元。"
        )


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("3栋1单元601室", {"building": "3", "entrance": "1", "room": "601"}),
        ("1单元202室", {"entrance": "1", "room": "202"}),
        ("601室", {"room": "601"}),
        ("3号楼", {"building": "3"}),
        ("3栋1单元", {"building": "3", "entrance": "1"}),
        ("Bldg 3, Ent. 1, Rm 601", {"building": "3", "entrance": "1", "room": "601"}),
        ("3#1-601", {"building": "3", "entrance": "1", "room": "601"}),
    ],
)
def test_the_reader_returns_the_parts_it_could_read(text, parts):
    assert unit_reader.read(text)[0].parts() == parts


def test_a_lone_number_is_read_as_a_building_then_a_room():
    assert [r.parts() for r in unit_reader.read("3")] == [{"building": "3"}, {"room": "3"}]
    assert [r.parts() for r in unit_reader.read("3-601")] == [
        {"building": "3", "room": "601"},
        {"building": "3", "entrance": "601"},
    ]


def test_no_label_of_the_panel_doubles_a_suffix(estate, in_app):
    (estate, units) = estate
    with in_app(), force_locale("zh_Hans_CN"):
        assert str(db.session.get(Unit, units["H"])) == "8号楼201室".replace("号楼", "栋")
        assert str(db.session.get(Unit, units["J1"])) == "7栋1单元101室"
