"""The phone pages install as apps (manifests, icons) and every page has the office's icon."""

from __future__ import annotations

import json
import re
import struct
from datetime import date
from pathlib import Path

import pytest

from admin_app.models import PassStatus, Role

ICONS = Path(__file__).resolve().parents[1] / "admin_app" / "static" / "icons"
NAMES = {
    ("tech", "en"): "My work orders · Property Office",
    ("tech", "zh_Hans_CN"): "我的工单 · 物业管理处",
    ("gate", "en"): "Gate check · Property Office",
    ("gate", "zh_Hans_CN"): "门岗查验 · 物业管理处",
}
SHORT_NAMES = {
    ("tech", "en"): "Repairs",
    ("tech", "zh_Hans_CN"): "维修",
    ("gate", "en"): "Gate",
    ("gate", "zh_Hans_CN"): "门岗",
}


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize(("kind", "lang"), sorted(NAMES))
def test_manifest_names_the_app_in_the_pages_language(client, kind, lang):
    response = client.get(f"/manifest/{kind}.webmanifest?lang={lang}")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] == NAMES[kind, lang]
    assert manifest["lang"] == ("en" if lang == "en" else "zh-CN")
    assert manifest["short_name"] == SHORT_NAMES[kind, lang]  # fits under an icon
    assert manifest["start_url"] == manifest["scope"] == f"/{kind}/"
    assert manifest["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])
    purposes = {icon["purpose"] for icon in manifest["icons"]}
    assert purposes == {"any", "maskable"}
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200, icon["src"]
        width, height = png_size(image.data)
        assert icon["sizes"] == f"{width}x{height}"
        image.close()
    sizes = {icon["sizes"] for icon in manifest["icons"] if icon["purpose"] == "any"}
    assert {"192x192", "512x512"} <= sizes  # what Chrome asks of an installable app


def test_manifest_without_a_language_follows_the_browser(client):
    manifest = client.get("/manifest/gate.webmanifest", headers={"Accept-Language": "zh-CN"})
    assert manifest.get_json()["name"] == NAMES["gate", "zh_Hans_CN"]
    assert client.get("/manifest/nothing.webmanifest").status_code == 404


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("icon-192.png", 192),
        ("icon-512.png", 512),
        ("icon-maskable-512.png", 512),
        ("apple-touch-icon.png", 180),
    ],
)
def test_icons_are_pngs_of_their_size(name, size):
    assert png_size((ICONS / name).read_bytes()) == (size, size)


def test_favicon_on_a_fresh_client(app):
    response = app.test_client().get("/favicon.ico")
    assert response.status_code == 200
    data = response.data
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1) and count >= 2  # an icon file with several sizes
    response.close()
    svg = app.test_client().get("/static/icons/favicon.svg")
    assert svg.status_code == 200 and b"<svg" in svg.data
    svg.close()


def icon_links(html: str) -> set[str]:
    return set(re.findall(r'<link rel="(icon|apple-touch-icon|manifest)"', html))


def test_icon_on_the_login_admin_and_error_pages(client, login, factories):
    estate = factories.estate()
    assert icon_links(client.get("/login").get_data(as_text=True)) >= {"icon", "apple-touch-icon"}
    desk = login(factories.staff(Role.receptionist, estates=[estate]))
    assert icon_links(desk.get("/admin/").get_data(as_text=True)) >= {"icon", "apple-touch-icon"}
    missing = desk.get("/no-such-page")
    assert missing.status_code == 404
    assert icon_links(missing.get_data(as_text=True)) >= {"icon", "apple-touch-icon"}


@pytest.mark.parametrize(
    ("role", "url", "kind"),
    [
        (Role.technician, "/tech/", "tech"),
        (Role.guard, "/gate/", "gate"),
    ],
)
def test_phone_pages_link_their_manifest(login, factories, role, url, kind):
    estates = [factories.estate(), factories.estate()]  # the gate page offers a choice
    phone = login(factories.staff(role, estates=estates), lang="zh-CN")
    html = phone.get(url).get_data(as_text=True)
    assert icon_links(html) == {"icon", "apple-touch-icon", "manifest"}
    assert f'href="/manifest/{kind}.webmanifest?lang=zh_Hans_CN"' in html
    assert '<meta name="theme-color" content="#1f4e79">' in html
    # The weak-connection messages come translated from the page, not from the script.
    assert 'data-send-failed="' in html and "js/phone-forms.js" in html
    assert not inline_script(html)


def inline_script(html: str) -> list[str]:
    """Script in the page itself, which the coming Content-Security-Policy refuses."""
    handlers = re.findall(r"\son[a-z]+=", html)
    blocks = re.findall(r"<script(?![^>]*\b(?:src|type=\"application/json\"))[^>]*>", html)
    return handlers + blocks


def test_print_pages_have_the_icon(login, factories):
    estate = factories.estate()
    order = factories.work_order(estate)
    desk = login(factories.staff(Role.receptionist, estates=[estate]))
    printout = desk.get(f"/admin/work_order/print/?id={order.id}")
    assert printout.status_code == 200
    assert "icon" in icon_links(printout.get_data(as_text=True))
    assert not inline_script(printout.get_data(as_text=True))
    today = date.today()
    card = factories.vehicle_pass(
        estate, status=PassStatus.approved, valid_from=today, valid_until=today
    )
    supervisor = login(factories.staff(Role.supervisor, estates=[estate]))
    page = supervisor.get(f"/admin/vehicle_pass/card/?id={card.id}")
    assert page.status_code == 200, page.status_code
    assert "icon" in icon_links(page.get_data(as_text=True))
    assert not inline_script(page.get_data(as_text=True))
