"""The seeded demo, as each role sees it: every page they may open renders, in both languages."""

from __future__ import annotations

import re

import pytest

from admin_app.auth.permissions import CREATE, EDIT, VIEW, allowed
from admin_app.extensions import db
from admin_app.jobs.reminders import sweep_once
from admin_app.models import Staff

ROLES_TO_USERS = {
    "admin": "admin",
    "director": "director",
    "supervisor": "supervisor",
    "receptionist": "reception",
    "technician": "tech",
    "guard": "guard",
}
RESOURCES = [
    "ticket",
    "work_order",
    "payment",
    "cash_hand_in",
    "worker_pass",
    "vehicle_pass",
    "release_pass",
    "gate_check",
    "renovation",
    "renovation_inspection",
    "resident",
    "unit",
    "estate",
    "staff",
    "audit_record",
    "reminder",
    "reminder_delivery",
    "home_visit_booking",
    "workday_override",
    "move_in",
    "visitor",
    "parcel",
]
LANGUAGES = {"en": ("Log out", "Tickets"), "zh-CN": ("退出登录", "来电来访")}


@pytest.fixture
def demo(app, in_app):
    from seed.demo import DEMO_PASSWORD, seed_demo

    with in_app():
        seed_demo()
        db.session.commit()
        assert seed_demo().startswith("Demo data is already there")  # a second run adds nothing
        db.session.commit()
        sweep_once(inline=True)  # the demo's overdue deadlines reach the inboxes
    return DEMO_PASSWORD


def pages_for(c, staff, resource):
    paths = []
    if allowed(staff, resource, VIEW):
        listing = c.get(f"/admin/{resource}/")
        assert listing.status_code == 200, resource
        paths.append(f"/admin/{resource}/")
        first = re.search(r"details/\?id=(\d+)&", listing.get_data(as_text=True))
        if first:
            paths.append(f"/admin/{resource}/details/?id={first.group(1)}")
            if allowed(staff, resource, EDIT):
                paths.append(f"/admin/{resource}/edit/?id={first.group(1)}")
    if allowed(staff, resource, CREATE):
        paths.append(f"/admin/{resource}/new/")
    return paths


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", ROLES_TO_USERS)
def test_every_page_renders_for_each_role(demo, login, in_app, role, lang):
    c = login(ROLES_TO_USERS[role], password=demo, lang=lang)
    with in_app():
        staff = db.session.query(Staff).filter_by(username=ROLES_TO_USERS[role]).one()
        staff.is_authenticated  # noqa: B018
    logout_word, _ = LANGUAGES[lang]
    home = c.get("/admin/")
    assert home.status_code == 200 and logout_word in home.get_data(as_text=True)
    seen = 0
    for resource in RESOURCES:
        with in_app():
            staff = db.session.query(Staff).filter_by(username=ROLES_TO_USERS[role]).one()
            paths = pages_for(c, staff, resource)
        for path in paths:
            response = c.get(path)
            assert response.status_code == 200, path
            assert logout_word in response.get_data(as_text=True), path
            seen += 1
    assert seen >= 4
    if allowed(staff, "statistics", VIEW):
        page = c.get("/admin/statistics/")
        assert page.status_code == 200 and logout_word in page.get_data(as_text=True)
    for page, resource in (("cash_daily", "cash_report"), ("fee_statistics", "statistics")):
        shown = c.get(f"/admin/{page}/")
        assert shown.status_code == (200 if allowed(staff, resource, VIEW) else 403), page
    inbox = c.get("/admin/inbox/")
    assert inbox.status_code == 200 and logout_word in inbox.get_data(as_text=True)
    failed_jobs = c.get("/admin/failed_jobs/")
    assert failed_jobs.status_code == (200 if role == "admin" else 403)


def test_menu_follows_the_language(demo, login):
    for lang, (_, tickets) in LANGUAGES.items():
        html = login("reception", password=demo, lang=lang).get("/admin/").get_data(as_text=True)
        assert tickets in html


def test_language_switch_is_remembered(demo, login):
    c = login("reception", password=demo, lang="en")
    assert "退出登录" not in c.get("/admin/").get_data(as_text=True)
    c.post("/language", {"lang": "zh_Hans_CN", "next": "/admin/"})
    assert "退出登录" in c.get("/admin/").get_data(as_text=True)
    assert c.post("/language", {"lang": "fr"}).status_code == 400


def test_menu_shows_each_role_its_own_entries_and_marks_the_open_page(demo, login):
    # The menu is rendered once per role, language and page and then reused (panel/rows.py):
    # what an administrator saw must never reach a receptionist on the same page.
    admin = login("admin", password=demo, lang="en").get("/admin/ticket/").get_data(as_text=True)
    reception = login("reception", password=demo, lang="en")
    on_tickets = reception.get("/admin/ticket/").get_data(as_text=True)
    assert 'href="/admin/staff/"' in admin
    assert 'href="/admin/staff/"' not in on_tickets
    assert re.search(r'class="dropdown-item active[^"]*"\s+href="/admin/ticket/"', on_tickets)
    on_residents = reception.get("/admin/resident/").get_data(as_text=True)
    assert not re.search(r'class="dropdown-item active[^"]*"\s+href="/admin/ticket/"', on_residents)
