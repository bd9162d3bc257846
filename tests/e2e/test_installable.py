"""The technician's and the guard's phone pages, as Chromium sees them: an installable app
each, named in the page's language, starting at its own page."""

from __future__ import annotations

import pytest

from admin_app.models import Role

from ..conftest import PASSWORD
from .conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("role", "home", "name"),
    [
        (Role.technician, "/tech/", "我的工单 · 物业管理处"),
        (Role.guard, "/gate/", "门岗查验 · 物业管理处"),
    ],
)
def test_phone_page_is_an_installable_app(factories, screen, role, home, name):
    estate = factories.estate(code="HY", name="华苑小区")
    factories.staff(role, estates=[estate], username="phone", name="张师傅")
    person = screen("phone", viewport=PHONE).login("phone", PASSWORD)
    assert person.page.url.endswith(home)
    cdp = person.context.new_cdp_session(person.page)
    found = cdp.send("Page.getAppManifest")
    assert found["errors"] == [], found["errors"]
    manifest = found["manifest"]
    assert manifest["name"] == name
    assert manifest["startUrl"].endswith(home) and manifest["scope"].endswith(home)
    assert manifest["display"] == "kStandalone"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    # Nothing stands in the way but the test's private window (a browser context is one).
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert {error["errorId"] for error in errors} <= {"in-incognito"}
    icon = person.page.evaluate(
        """async () => {
            const link = document.querySelector('link[rel=icon][href$=".ico"]');
            const response = await fetch(link.href);
            return [response.status, response.headers.get('content-type')];
        }"""
    )
    assert icon == [200, "image/vnd.microsoft.icon"]
