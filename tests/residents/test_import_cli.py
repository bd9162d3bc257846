"""`flask --app wsgi residents import FILE --estate CODE [--dry-run] [--json]` for scripts."""

from __future__ import annotations

import json

import pytest

from admin_app.extensions import db
from admin_app.models import ImportStatus, Resident, ResidentImport

from ..import_files import VALID_ID, csv_bytes, row


@pytest.fixture
def world(factories):
    w = factories.two_estates()  # 甲小区 (AA) 1-1-101 甲住户 13800000001
    w.unit_a2 = factories.unit(w.a, building="1", entrance="1", room="102")
    return w


@pytest.fixture
def run(app, tmp_path):
    def _run(data: bytes, *args, name="residents.csv"):
        path = tmp_path / name
        path.write_bytes(data)
        return app.test_cli_runner().invoke(args=["residents", "import", str(path), *args])

    return _run


def names(in_app, estate) -> list[str]:
    with in_app():
        return sorted(r.name for r in db.session.query(Resident).filter_by(estate_id=estate.id))


def batches(in_app) -> list[ResidentImport]:
    with in_app():
        found = db.session.query(ResidentImport).all()
        db.session.expunge_all()
        return found


GOOD = csv_bytes(
    [
        row(name="甲住户改名", phone="13800000001"),
        row(room="102", name="新住户", phone="13900000001", id_number=VALID_ID),
    ]
)


def test_import_prints_the_summary_and_records_the_batch(run, world, in_app):
    result = run(GOOD, "--estate", "AA", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "New: 1" in result.output and "Updated: 1" in result.output
    assert "Imported (batch #" in result.output
    assert names(in_app, world.a) == ["新住户", "甲住户改名"]
    (batch,) = batches(in_app)
    assert (batch.status, batch.created_by_id, batch.new_count) == (ImportStatus.done, None, 1)


def test_dry_run_writes_nothing_at_all(run, world, in_app):
    result = run(GOOD, "--estate", "AA", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["status"] == "dry_run"
    assert summary["counts"] == {
        "total": 2,
        "new": 1,
        "updated": 1,
        "unchanged": 0,
        "invalid": 0,
        "duplicates": 0,
        "units": 0,
    }
    assert summary["updates"][0]["changes"] == {"name": ["甲住户", "甲住户改名"]}
    assert names(in_app, world.a) == ["甲住户"]
    assert batches(in_app) == []


def test_json_lists_every_invalid_row_and_refuses_without_skip_invalid(run, world, in_app):
    data = csv_bytes(
        [row(room="102", name="坏", phone="12345"), row(room="102", name="好", phone="13900000001")]
    )
    result = run(data, "--estate", "AA", "--json", "--lang", "en")
    assert result.exit_code == 1
    summary = json.loads(result.output)
    assert summary["status"] == "refused"
    assert summary["invalid"] == [
        {
            "row": 2,
            "unit": "1-1-102",
            "name": "坏",
            "errors": [
                "12345 is not a mainland mobile number (11 digits) or a landline with area code."
            ],
        }
    ]
    assert names(in_app, world.a) == ["甲住户"]
    assert run(data, "--estate", "AA", "--dry-run").exit_code == 1  # as the real run would
    assert run(data, "--estate", "AA", "--skip-invalid").exit_code == 0
    assert names(in_app, world.a) == ["好", "甲住户"]


def test_unknown_columns_need_a_map(run, world, in_app):
    data = csv_bytes(
        [["1", "1", "102", "新人", "13900000001", "wx"]],
        header=["楼栋", "单元", "房号", "姓名", "手机", "微信"],
    )
    refused = run(data, "--estate", "AA", "--lang", "en")
    assert refused.exit_code == 1
    assert 'Unknown columns: 微信. Match them with --map "HEADER=FIELD"' in refused.output
    assert run(data, "--estate", "AA", "--map", "微信=ignore").exit_code == 0
    assert "新人" in names(in_app, world.a)


@pytest.mark.parametrize(
    ("data", "args", "message"),
    [
        (GOOD, ["--estate", "ZZ"], "Unknown estate code: ZZ"),
        (b"", ["--estate", "AA"], "The file is empty."),
        (b"\x00\x01\x02" * 300, ["--estate", "AA"], "neither a CSV file nor an Excel workbook"),
        (csv_bytes([]), ["--estate", "AA"], "has a header row but no residents"),
    ],
)
def test_refusals_exit_non_zero_and_change_nothing(run, world, in_app, data, args, message):
    result = run(data, *args, "--lang", "en")
    assert result.exit_code == 1
    assert message in result.output
    assert names(in_app, world.a) == ["甲住户"]
    assert batches(in_app) == []


def test_create_units_option(run, world, in_app):
    data = csv_bytes([row(building="8", room="801", name="新楼", phone="13900000001")])
    assert run(data, "--estate", "AA").exit_code == 1
    assert run(data, "--estate", "AA", "--create-units").exit_code == 0
    assert "新楼" in names(in_app, world.a)


def test_the_report_is_chinese_by_default(run, world):
    result = run(GOOD, "--estate", "AA", "--dry-run")
    assert "新建: 1" in result.output
