"""Importing a resident list in a browser: upload a GBK CSV, read the preview (new, updated,
invalid), download the invalid rows as a CSV, confirm, and find the residents imported. In
Chinese and in English: the English pages keep nothing Chinese but the file's own content."""

from __future__ import annotations

import csv
import io

import pytest

from admin_app.extensions import db
from admin_app.models import ImportStatus, Resident, ResidentImport, Role

from ..conftest import PASSWORD
from ..import_files import HEADER_ZH, csv_bytes, row
from .conftest import chinese_left, submit
from .walk import BLOCKING, axe_violations

pytestmark = pytest.mark.browser


UI = {
    "zh": {"locale": "zh-CN", "shots": "", "menu": "房产住户", "added": ["错误", "行号"]},
    "en": {"locale": "en-US", "shots": "en-", "menu": "Property", "added": ["Error", "Row"]},
}
# The file's own content, shown back as it was: names, its Chinese column titles, its name.
RECORDS = (
    "华苑小区",
    "王前台",
    "甲住户",
    "新住户",
    "坏号码",
    "无此房",
    "租户",
    "住户名单",
    *HEADER_ZH,
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_resident_import_with_preview_and_error_file(factories, in_app, screen, lang):
    ui = UI[lang]
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="1", entrance="1", room="101")
    factories.unit(estate, building="1", entrance="1", room="102")
    factories.resident(unit, name="甲住户", phone="13800000001")
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    data = csv_bytes(
        [
            row(name="甲住户", phone="13800000001", move_in="2020-05-01"),  # an update
            row(room="102", name="新住户", phone="13900000001", role="租户"),
            row(room="102", name="坏号码", phone="12345"),
            row(room="999", name="无此房", phone="13900000003"),
        ],
        encoding="gbk",
    )

    desk = screen("reception", locale=ui["locale"]).login("front", PASSWORD)
    page = desk.page

    def nothing_chinese_left():
        if lang == "en":
            assert chinese_left(page, RECORDS) == []

    page.click(f"a.dropdown-toggle:has-text('{ui['menu']}')")
    with page.expect_navigation():
        page.click("a[href='/admin/resident_import/']")
    page.set_input_files("#file", {"name": "住户名单.csv", "mimeType": "text/csv", "buffer": data})
    nothing_chinese_left()
    desk.shot(f"{ui['shots']}import-01-upload")
    submit(page, "#upload-button")
    assert page.locator("#import-counts").is_visible()
    counts = {
        key: page.inner_text(f"[data-count={key}]").strip()
        for key in ("new", "updated", "invalid", "duplicates")
    }
    assert counts == {"new": "1", "updated": "1", "invalid": "2", "duplicates": "0"}
    assert "GB18030" in page.inner_text("#import-facts")
    assert "12345" in page.inner_text("#invalid-table")
    assert "甲住户" in page.inner_text("#updates-table")
    nothing_chinese_left()
    desk.shot(f"{ui['shots']}import-02-preview")
    with in_app():  # nothing is written before the confirmation
        assert db.session.query(Resident).count() == 1

    with page.expect_download() as waiting:
        page.click("#invalid-download")
    download = waiting.value
    assert download.suggested_filename.startswith("invalid-rows-")
    text = download.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == [*ui["added"], "楼栋"]  # the file's own columns, after the reason
    assert sorted(r[rows[0].index("姓名")] for r in rows[1:]) == ["坏号码", "无此房"]
    assert all(r[0] for r in rows[1:])  # each with its reason

    submit(page, "#confirm-button")
    assert page.locator("#import-done").is_visible()
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, f"axe on the finished import: {blocking}"
    nothing_chinese_left()
    desk.shot(f"{ui['shots']}import-03-done")
    with in_app():
        names = sorted(r.name for r in db.session.query(Resident))
        assert names == ["新住户", "甲住户"]
        batch = db.session.query(ResidentImport).one()
        assert batch.status is ImportStatus.done
    with page.expect_navigation():
        page.click("#import-done a")
    assert "新住户" in page.inner_text("table.model-list")
    desk.shot(f"{ui['shots']}import-04-residents")
