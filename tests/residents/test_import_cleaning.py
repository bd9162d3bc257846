"""Messy values in resident lists: what each cell becomes, and why a row is refused."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admin_app.models import ResidentRole
from admin_app.residents.importing.cleaning import RowCleaner, split_unit
from admin_app.residents.importing.problems import render

from ..import_files import VALID_ID

MAPPING = [
    "estate",
    "building",
    "entrance",
    "room",
    "name",
    "phone",
    "role",
    "id_number",
    "move_in",
    "move_out",
    "email",
    "notes",
]


@pytest.fixture
def clean(in_app):
    with in_app():
        cleaner = RowCleaner(MAPPING, "华苑小区", "HY")

        def _clean(**cells):
            values = [cells.get(name, "") for name in MAPPING]
            values[1] = cells.get("building", "1")
            values[3] = cells.get("room", "101")
            values[4] = cells.get("name", "张三")
            if "phone" not in cells:
                values[5] = "13800138000"
            return cleaner.clean(7, values)

        yield _clean


def codes(row) -> list[str]:
    return [p.code for p in row.problems]


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "+86 138 0013 8000",
        "+86-138-0013-8000",
        "0086 13800138000",
        "86 13800138000",
        "１３８００１３８０００",
        " 138-0013-8000 ",
        "13800138000.0",
    ],
)
def test_phone_spellings_normalise(clean, raw):
    row = clean(phone=raw)
    assert codes(row) == []
    assert row.phone == "13800138000"


def test_landline_with_area_code_is_accepted(clean):
    assert clean(phone="0755-8600 1234").phone == "075586001234"


@pytest.mark.parametrize(
    ("raw", "code"),
    [("12345", "bad_phone"), ("12800138000", "bad_phone"), ("1.38001E+10", "excel_number")],
)
def test_bad_phones_are_explained(clean, raw, code):
    row = clean(phone=raw)
    assert codes(row) == [code]


@pytest.mark.parametrize(
    "raw",
    [
        "2024-03-01",
        "2024/3/1",
        "2024.03.01",
        "2024年3月1日",
        "20240301",
        "2024-03-01 00:00:00",
        "45352",
        "2024/03/01",
    ],
)
def test_date_spellings(clean, raw):
    assert clean(move_in=raw).move_in == date(2024, 3, 1)


def test_day_first_dates_only_when_unambiguous(clean):
    assert clean(move_in="13/3/2024").move_in == date(2024, 3, 13)
    assert codes(clean(move_in="3/4/2024")) == ["bad_date"]


@pytest.mark.parametrize("raw", ["2024-02-30", "昨天", "1899-01-01", "2024-13-01"])
def test_impossible_dates_are_refused(clean, raw):
    assert codes(clean(move_in=raw)) == ["bad_date"]


def test_move_out_before_move_in(clean):
    assert codes(clean(move_in="2024-03-01", move_out="2023-01-01")) == ["move_out_first"]


@pytest.mark.parametrize(
    ("raw", "role"),
    [
        ("业主", ResidentRole.owner),
        ("Owner", ResidentRole.owner),
        ("租户", ResidentRole.tenant),
        ("租客", ResidentRole.tenant),
        ("tenant", ResidentRole.tenant),
        ("家庭成员", ResidentRole.family),
        ("Family member", ResidentRole.family),
        ("家属", ResidentRole.family),
    ],
)
def test_roles_in_either_language(clean, raw, role):
    assert clean(role=raw).role is role


def test_unknown_role(clean):
    row = clean(role="保姆")
    assert codes(row) == ["bad_role"]


def test_id_numbers_are_checked_and_hashed_for_matching(clean):
    row = clean(id_number=" 11010519491231002x ")
    assert codes(row) == []
    assert row.id_number == VALID_ID
    assert len(row.id_hash) == 64


def test_wrong_id_checksum_is_shown_masked(clean, in_app):
    row = clean(id_number="110105194912310021")
    assert codes(row) == ["bad_id"]
    with in_app():
        message = render(row.problems[0].as_json())
    assert "110105194912310021" not in message
    assert "110105********0021" in message


def test_id_number_that_excel_turned_into_a_number(clean):
    assert codes(clean(id_number="1.10105E+17")) == ["excel_number"]


def test_masked_id_is_remembered_not_stored(clean):
    row = clean(id_number="110105********002X")
    assert codes(row) == []
    assert row.masked_given == "110105********002X"
    assert row.id_number is None and row.id_hash is None


def test_full_width_and_spaces_are_folded(clean):
    row = clean(building="　３栋 ", room="１０１", name=" 张  三 ")
    assert (row.building, row.room, row.name) == (
        "3",
        "101",
        "张 三",
    )  # as the panel keeps a building


def test_formula_apostrophe_from_our_export_is_removed(clean):
    row = clean(name="'=张三", notes="'-备注")
    assert (row.name, row.notes) == ("=张三", "-备注")


def test_notes_keep_their_punctuation_and_lines(clean):
    assert clean(notes=" 钥匙，已交。\r\n第二行 ").notes == "钥匙，已交。\n第二行"


def test_required_fields(clean):
    assert codes(clean(name="")) == ["required"]
    assert codes(clean(building="", room="")) == ["required", "required"]


def test_phone_or_id_is_needed_to_recognise_the_resident(clean):
    assert codes(clean(phone="")) == ["no_key"]
    assert codes(clean(phone="", id_number=VALID_ID)) == []


def test_row_of_another_estate(clean):
    assert codes(clean(estate="锦绣花园")) == ["other_estate"]
    assert codes(clean(estate="华苑小区")) == []
    assert codes(clean(estate="hy")) == []


def test_too_long_and_bad_email(clean):
    assert codes(clean(name="张" * 51)) == ["too_long"]
    assert codes(clean(email="not-an-email")) == ["bad_email"]


def test_a_unit_cell_too_long_is_the_rows_only_problem(clean):
    row = clean(building="楼" * 40)
    assert codes(row) == ["too_long"]
    assert row.building == "楼" * 40  # shown in the list of invalid rows as written


def test_a_room_cell_that_is_no_unit_is_refused(clean):
    row = clean(room="1-2-3-4")
    assert codes(row) == ["bad_unit"]
    assert render(row.problems[0].as_json()) == "1-2-3-4 is not a unit like 1-2-301 or 1栋2单元301."


def test_more_cells_than_the_header(in_app):
    with in_app():
        row = RowCleaner(["building", "room", "name", "phone"], "华苑小区", "HY").clean(
            3, ["1", "101", "张三", "13800138000", "北京市朝阳区"]
        )
    assert codes(row) == ["extra_cells"]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("1-2-301", ("1", "2", "301")),
        ("1-301", ("1", "", "301")),
        ("1栋2单元301室", ("1", "2", "301")),
        ("3幢1201", ("3", "", "1201")),
        ("A座2单元0801", ("A", "2", "0801")),
        ("Bldg 1, Ent. 2, Rm 301", ("1", "2", "301")),
        ("Bldg 5, Rm 12", ("5", "", "12")),
    ],
)
def test_one_cell_units(text, parts):
    assert split_unit(text) == parts


@settings(
    max_examples=80,
    suppress_health_check=[
        *settings.default.suppress_health_check,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(
    digits=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    prefix=st.sampled_from(["", "+86", "+86 ", "0086", "86"]),
    separator=st.sampled_from(["", " ", "-", "－", "　"]),
    full_width=st.booleans(),
)
def test_any_spelling_of_a_mobile_number_normalises_to_its_digits(
    clean, digits, prefix, separator, full_width
):
    spelled = prefix + separator.join([digits[:3], digits[3:7], digits[7:]])
    if full_width:
        spelled = spelled.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789+"})
    row = clean(phone=spelled)
    assert codes(row) == []
    assert row.phone == digits


def test_the_import_undoes_exactly_what_the_export_protects():
    from admin_app.panel import export
    from admin_app.residents.importing import cleaning

    assert cleaning.FORMULA_START == export.FORMULA_START


@settings(max_examples=300)
@given(body=st.from_regex(r"[0-9]{17}", fullmatch=True))
def test_the_fast_id_check_character_agrees_with_the_weight_table(body):
    from admin_app.validation import _ID_CHECK, _ID_WEIGHTS, id_check_char

    expected = _ID_CHECK[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]
    assert id_check_char(body) == expected


def test_the_bulk_hasher_gives_the_same_hash_as_lookup_hash(in_app):
    from admin_app import sensitive

    with in_app():
        hasher = sensitive.lookup_hasher()
        for number in (VALID_ID, "e12345678", " 11010519491231002x "):
            assert hasher(number) == sensitive.lookup_hash(number)
