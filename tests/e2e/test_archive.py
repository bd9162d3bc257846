"""The household archive in a browser, in both languages: at the counter the desk files a
scanned registration form from the unit's page (pick the kind, choose the file, one click),
opens it from the same page, and the supervisor sees who opened it and when. The page passes
axe-core."""

from __future__ import annotations

import pytest

from admin_app.models import Role

from ..conftest import PASSWORD
from .conftest import flashes, solid_png, submit
from .walk import BLOCKING, axe_violations

pytestmark = pytest.mark.browser

WORDS = {
    "zh-CN": {
        "title": "住户档案",
        "added": "文件已归入住户档案。",
        "kind": "住户情况登记表",
        "opened": "查看记录",
    },
    "en": {
        "title": "Documents on file",
        "added": "The document was added to the household's file.",
        "kind": "Registration form",
        "opened": "Opened by",
    },
}


def axe_clean(page) -> None:
    violations = axe_violations(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe: {blocking}"
    in_archive = page.evaluate(
        """async () => (await axe.run('#archive', {resultTypes: ['violations']}))
            .violations.map(v => v.id)"""
    )
    assert in_archive == [], in_archive


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_desk_files_a_scan_and_opens_it_and_the_supervisor_sees_who(
    factories, screen, tmp_path, locale
):
    estate = factories.estate(code="DA", name="翠苑小区")
    unit = factories.unit(estate, building="3", entrance="2", room="0801")
    factories.resident(unit, name="林芳", phone="13912340000")
    factories.staff(Role.receptionist, estates=[estate], username="desk", name="周前台")
    factories.staff(Role.supervisor, estates=[estate], username="boss", name="吴主管")
    scan = tmp_path / "登记表.png"
    scan.write_bytes(solid_png())
    words = WORDS[locale]

    desk = screen("reception", locale=locale).login("desk", PASSWORD)
    page = desk.page
    page.goto(f"/admin/unit/details/?id={unit.id}")
    assert words["title"] in page.locator("#archive-title").inner_text()
    axe_clean(page)
    # Two clicks and the file: the kind, the file, "Add to the file".
    page.select_option("#kind", "registration_form")
    page.set_input_files("#file", str(scan))
    submit(page, "#archive-add")
    assert words["added"] in flashes(page)
    row = page.locator("table.archive-table tbody tr").first
    assert words["kind"] in row.inner_text() and "周前台" in row.inner_text()
    desk.shot(f"archive-01-filed-{locale}")
    # Checked without the flash message: Flask-Admin's close button (aria-hidden yet
    # focusable) is the layout's, on every page after a flash, not this section's.
    page.reload()
    axe_clean(page)

    # Opened through the link as the browser's session (a tab showing the bare image would
    # trip the file's own strict policy in Chromium's image viewer, not the panel's).
    href = page.locator("a.archive-open").first.get_attribute("href")
    assert "/admin/unit/archive/file/" in href
    scan_file = page.request.get(href)
    assert scan_file.status == 200 and scan_file.headers["content-type"] == "image/png"

    boss = screen("supervisor", locale=locale).login("boss", PASSWORD)
    boss.page.goto(f"/admin/unit/details/?id={unit.id}")
    archive = boss.page.locator("#archive")
    assert words["opened"] in archive.inner_text() and "周前台" in archive.inner_text()
    boss.shot(f"archive-02-openings-{locale}")
    axe_clean(boss.page)
