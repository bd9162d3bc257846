"""A file over the import's row or byte limit is refused as soon as the limit is passed: the
rest of it is not read, and no row is checked."""

from __future__ import annotations

import io

import pytest

from admin_app.extensions import db
from admin_app.models import ImportStatus, Role
from admin_app.residents import operations as resident_import
from admin_app.residents.importing import planning, reading

from ..import_files import csv_bytes, row, xlsx_bytes

LIMIT = 50


@pytest.fixture
def world(factories, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", LIMIT)
    w = factories.two_estates()
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    return w


def rows(count: int) -> list[list]:
    return [row(room=str(1000 + i), phone=f"139{i:08d}", name=f"住户{i}") for i in range(count)]


@pytest.fixture
def counted(monkeypatch):
    """How many rows of the file were looked at (every row read passes reading._blank)."""
    seen = {"rows": 0}
    blank = reading._blank

    def counting(cells):
        seen["rows"] += 1
        return blank(cells)

    monkeypatch.setattr(reading, "_blank", counting)
    return seen


@pytest.fixture
def no_check(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("rows were checked")

    monkeypatch.setattr(planning, "build_plan", refuse)


def test_a_csv_one_row_over_is_refused_on_upload_without_checking_a_row(
    in_app, world, counted, no_check
):
    with in_app():
        batch = resident_import.start(csv_bytes(rows(LIMIT + 1)), "big.csv", world.a.id)
        assert (batch.status, batch.refusal, batch.file_id) == (
            ImportStatus.refused,
            ["too_many_rows", {"limit": LIMIT}],
            None,
        )
        db.session.rollback()


def test_a_csv_far_over_is_refused_after_reading_just_past_the_limit(
    in_app, world, counted, no_check
):
    with in_app():
        batch = resident_import.start(csv_bytes(rows(20 * LIMIT)), "big.csv", world.a.id)
        assert batch.refusal[0] == "too_many_rows"
        db.session.rollback()
    assert counted["rows"] <= LIMIT + 15  # the header search reads a few, then up to LIMIT + 1


def test_a_csv_at_the_limit_is_checked(in_app, world):
    with in_app():
        batch = resident_import.start(csv_bytes(rows(LIMIT)), "full.csv", world.a.id)
        assert batch.status is ImportStatus.checking
        resident_import.check(batch)
        assert batch.total_rows == LIMIT and batch.status is ImportStatus.ready
        db.session.rollback()


@pytest.mark.parametrize("extra", [1, 20 * LIMIT])
def test_a_workbook_over_is_refused_by_the_check_before_any_row_is_checked(
    in_app, world, counted, monkeypatch, extra
):
    with in_app():
        batch = resident_import.start(xlsx_bytes(rows(LIMIT + extra)), "big.xlsx", world.a.id)
        assert batch.status is ImportStatus.checking
        db.session.commit()
        counted["rows"] = 0
        monkeypatch.setattr(planning, "build_plan", lambda *a, **k: pytest.fail("checked rows"))
        with pytest.raises(resident_import.ImportRefused) as refused:
            resident_import.check(batch)
        assert refused.value.problem.code == "too_many_rows"
        db.session.rollback()
    assert counted["rows"] <= LIMIT + 15


def test_an_upload_over_the_byte_limit_is_read_one_byte_past_it(in_app, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 1000)

    class Upload(io.BytesIO):
        taken = 0

        def read(self, size=-1):
            data = super().read(size)
            Upload.taken += len(data)
            return data

    with in_app():
        data = resident_import.read_upload(Upload(csv_bytes(rows(LIMIT)) * 50))
        batch = resident_import.start(data, "huge.csv", world.a.id)
        assert batch.refusal == ["file_too_large", {"limit": 0}]
        db.session.rollback()
    assert Upload.taken == 1001


def test_the_command_line_reads_no_more_than_the_limit(in_app, world, app, monkeypatch, tmp_path):
    from admin_app.residents.cli import run_import

    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 2**20)
    path = tmp_path / "huge.csv"
    path.write_bytes(csv_bytes(rows(LIMIT)) * 1000)  # over 2 MB
    with in_app():
        code, summary = run_import(path, "AA", dry_run=True)
    assert code == 1 and "larger than 1 MB" in summary["message"]
