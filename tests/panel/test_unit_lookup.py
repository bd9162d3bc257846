"""The unit picker of the forms (tickets, work orders, residents, passes, renovations), as the
front desk types a unit: the way the panel writes it finds it, the exact unit comes first, and
never a unit of another estate."""

from __future__ import annotations

import re

import pytest

from admin_app.extensions import db
from admin_app.models import Estate, Role

# Every form that picks a unit, by its list's address.
FORMS = ("ticket", "work_order", "resident", "vehicle_pass", "release_pass", "renovation")


@pytest.fixture
def desk(factories, login):
    estate = factories.estate(code="HY", name="华苑小区")
    other = factories.estate(code="QT", name="其他小区")
    for building, entrance, room in [
        ("13", "1", "101"),  # sorts before building 3: must not come first for "3"
        ("13", "1", "601"),
        ("1", "1", "301"),  # a room that starts with 3
        ("1", "1", "6010"),  # a room that starts with 601
        ("3", "1", "101"),
        ("3", "1", "601"),
        ("3", "1", "602"),
        ("3", "2", "601"),
        ("30", "1", "101"),
    ]:
        factories.unit(estate, building=building, entrance=entrance, room=room)
    factories.unit(other, building="3", entrance="1", room="601")
    supervisor = factories.staff(Role.supervisor, estates=[estate])
    return login(supervisor), login(supervisor, lang="zh-CN")


def lookup(client, query: str, view: str = "ticket", offset: int = 0) -> list[str]:
    response = client.get(
        f"/admin/{view}/ajax/lookup/",
        query_string={"name": "unit", "query": query, "offset": offset, "limit": 10},
    )
    assert response.status_code == 200
    return [text for _, text in response.get_json()]


@pytest.mark.parametrize("view", FORMS)
@pytest.mark.parametrize(
    "query", ["3栋1单元601", "3栋1单元601室", "3-1-601", "3#1-601", "Bldg 3, Ent. 1, Rm 601"]
)
def test_the_way_the_panel_writes_a_unit_finds_it_first(desk, view, query):
    en, _ = desk
    assert lookup(en, query, view)[0] == "Bldg 3, Ent. 1, Rm 601"


def test_a_building_lists_its_own_units_before_any_other(desk):
    en, _ = desk
    building_3 = [  # in the units list's order: building, entrance, floor, room
        "Bldg 3, Ent. 1, Rm 101",
        "Bldg 3, Ent. 1, Rm 601",
        "Bldg 3, Ent. 1, Rm 602",
        "Bldg 3, Ent. 2, Rm 601",
    ]
    for query in ("3", "3栋", "3号楼", "３栋"):
        assert lookup(en, query)[:4] == building_3, query
    shown = lookup(en, "3")
    assert "Bldg 13, Ent. 1, Rm 101" not in shown  # building 13 is not building 3
    assert shown[4:] == ["Bldg 30, Ent. 1, Rm 101", "Bldg 1, Ent. 1, Rm 301"]  # then typed on
    assert lookup(en, "3栋") == building_3  # a building written out is nothing else


def test_a_room_lists_every_such_room_of_the_estate_exact_ones_first(desk):
    en, _ = desk
    assert lookup(en, "601") == [
        "Bldg 13, Ent. 1, Rm 601",
        "Bldg 3, Ent. 1, Rm 601",
        "Bldg 3, Ent. 2, Rm 601",
        "Bldg 1, Ent. 1, Rm 6010",
    ]
    assert lookup(en, "601室") == lookup(en, "601")[:3]
    assert lookup(en, "3栋601") == ["Bldg 3, Ent. 1, Rm 601", "Bldg 3, Ent. 2, Rm 601"]
    assert lookup(en, "3-60") == [
        "Bldg 3, Ent. 1, Rm 601",
        "Bldg 3, Ent. 1, Rm 602",
        "Bldg 3, Ent. 2, Rm 601",
    ]


def test_a_building_is_offered_as_its_register_reads_floor_by_floor(factories, login):
    """Not rooms compared as text ("1001" before "201"), nor the entrances interleaved."""
    estate = factories.estate(code="HY")
    for entrance, floor, room in [("2", 1, "101"), ("1", 10, "1001"), ("1", 2, "201")]:
        factories.unit(estate, building="5", entrance=entrance, floor=floor, room=room)
    factories.unit(estate, building="5", entrance="1", floor=1, room="101")
    client = login(factories.staff(Role.supervisor, estates=[estate]))
    for query in ("5", "5栋"):
        assert lookup(client, query) == [
            "Bldg 5, Ent. 1, Rm 101",
            "Bldg 5, Ent. 1, Rm 201",
            "Bldg 5, Ent. 1, Rm 1001",
            "Bldg 5, Ent. 2, Rm 101",
        ]
    director = login(factories.staff(Role.director, estates=[estate], all_estates=True))
    assert lookup(director, "5") == lookup(client, "5")  # every estate's: another index


def test_the_chinese_panel_finds_and_shows_units_as_it_writes_them(desk):
    _, zh = desk
    assert lookup(zh, "3栋1单元601室") == ["3栋1单元601室"]
    assert lookup(zh, "3栋601") == ["3栋1单元601室", "3栋2单元601室"]


def test_another_estates_unit_is_never_offered(desk, factories, login):
    en, _ = desk
    assert lookup(en, "3-1-601") == ["Bldg 3, Ent. 1, Rm 601"]  # 其他小区 has one too
    outsider = factories.staff(Role.supervisor, estates=[factories.estate(code="ZZ")])
    assert lookup(login(outsider), "3-1-601") == []


def test_the_next_page_goes_on_without_repeating(desk, factories):
    en, _ = desk
    estate_units = lookup(en, "1")  # building 1, rooms 1…, building 1x, …
    more = lookup(en, "1", offset=10)
    assert not set(estate_units) & set(more)


def test_text_that_is_no_unit_finds_nothing(desk):
    en, _ = desk
    assert lookup(en, "1-2-3-4") == []
    assert lookup(en, "%") == []


def test_the_units_lists_search_box_reads_units_the_same_way(desk, factories, login):
    en, _ = desk

    def found(query: str) -> int:
        page = en.get("/admin/unit/", query_string={"search": query}).get_data(as_text=True)
        return len(set(re.findall(r"/admin/unit/(?:details|edit)/\?id=(\d+)", page)))

    assert found("3-1-601") == 1
    assert found("3栋1单元601室") == 1
    assert found("3栋601") == 2
    assert found("3栋") == 4  # building 3 only, not 13 or 30
    assert found("601室") == 3


def test_someone_of_several_estates_is_told_which_estate_each_unit_is_in(
    app, desk, factories, login
):
    """华苑小区 and 其他小区 both have a 3-1-601: one name each, else the desk of two estates
    sees the same choice twice; the desk of one estate needs no estate named."""
    en, _ = desk
    assert lookup(en, "3-1-601") == ["Bldg 3, Ent. 1, Rm 601"]
    with app.app_context():
        both = [e.id for e in db.session.query(Estate).filter(Estate.code.in_(["HY", "QT"]))]
    desk_of_both = factories.staff(Role.supervisor, estates=both)
    assert sorted(lookup(login(desk_of_both), "3-1-601")) == [
        "Bldg 3, Ent. 1, Rm 601 · 其他小区",
        "Bldg 3, Ent. 1, Rm 601 · 华苑小区",
    ]
    assert sorted(lookup(login(desk_of_both, lang="zh-CN"), "3栋1单元601")) == [
        "其他小区 · 3栋1单元601室",
        "华苑小区 · 3栋1单元601室",
    ]
    director = login(factories.staff(Role.director, all_estates=True))
    assert sorted(lookup(director, "3-1-601")) == sorted(lookup(login(desk_of_both), "3-1-601"))
