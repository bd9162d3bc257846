"""Exports speak the reader's language: every column heading of every list's CSV and Excel
file, the sheet's name and the values in words (states, yes/no, history's changes), never
the columns' or states' codes."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from admin_app.auth.permissions import EXPORT, PERMISSIONS
from admin_app.models import Role

from .test_column_labels import model_views

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def exporting_views(app) -> list[str]:
    """The lists an administrator may export."""
    return sorted(
        view.endpoint
        for view in model_views(app)
        if "csv" in view.export_types
        and EXPORT in PERMISSIONS.get(view.resource, {}).get(Role.admin, ())
    )


def test_every_list_exports(app):
    assert {"ticket", "work_order", "audit_record"} <= set(exporting_views(app))


@pytest.fixture
def admin_client(factories, login):
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="3", room="1201")
    factories.ticket(estate, unit_id=unit.id)  # a row, and its history
    admin = factories.staff(Role.admin, all_estates=True)
    return lambda lang: login(admin, lang=lang)


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_every_export_heading_is_chinese_on_a_chinese_page(app, admin_client):
    c = admin_client("zh-CN")
    wrong = {}
    for endpoint in exporting_views(app):
        header = csv_rows(c.get(f"/admin/{endpoint}/export/csv/"))[0]
        bad = [h for h in header if not CJK.search(h) or ENGLISH_WORD.search(h)]
        if bad:
            wrong[endpoint] = bad
    assert wrong == {}


def test_every_export_heading_is_english_on_an_english_page(app, admin_client):
    c = admin_client("en")
    wrong = {}
    for endpoint in exporting_views(app):
        header = csv_rows(c.get(f"/admin/{endpoint}/export/csv/"))[0]
        bad = [h for h in header if CJK.search(h) or "_" in h]
        if bad:
            wrong[endpoint] = bad
    assert wrong == {}


def test_the_excel_sheet_is_named_in_the_readers_language(admin_client):
    response = admin_client("zh-CN").get("/admin/ticket/export/xlsx/")
    workbook = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    assert CJK.search(workbook.sheetnames[0]), workbook.sheetnames


def test_history_exports_its_changes_in_words(admin_client):
    rows = csv_rows(admin_client("zh-CN").get("/admin/audit_record/export/csv/"))
    body = "\n".join(",".join(row) for row in rows[1:])
    assert "华苑小区" in body  # the estate by its name, not estate_id: 1
    assert "estate_id" not in body and "received_at" not in body and "'" not in body[:1]
