"""Return addresses taken from a request (`url=`, `next=`, a stored link): whatever a link or a
crafted address puts there, the Back/List/Cancel links, the hidden fields and the redirects
stay on this site — a script address or another host becomes the page's own fallback, and a
good path on this site is kept."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from admin_app.extensions import db
from admin_app.models import Notification, Role, TicketCategory
from admin_app.panel.return_links import is_site_path, safe_return

from ..conftest import PASSWORD

# Each as the application receives it (the test client percent-encodes it on the way).
OFF_SITE = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "\njavascript:alert(1)",
    "//evil.com",
    "///evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "https://evil.com",
    "http:evil.com",
    "%2F%2Fevil.com",
    "/%2F/evil.com",
    "/%5Cevil.com",
    "/%252F%252Fevil.com",
    "data:text/html,<script>alert(1)</script>",
    "java%0ascript:alert(1)",
    "java\nscript:alert(1)",
    "/\n/evil.com",
    "/\u3000/evil.com",
]
GOOD = "/admin/ticket/?flt0_queue=x"


def is_on_site(address: str) -> bool:
    """The test's own reading of an address a browser would follow: a path here, nothing
    else (written apart from the panel's check, so the two can disagree)."""
    if any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in address):
        return False
    parts = urlsplit(address)
    return (
        not parts.scheme
        and not parts.netloc
        and address.startswith("/")
        and not address.startswith("//")
    )


def return_addresses(page: str) -> list[str]:
    """Every link target and form action of a page, and its hidden return fields."""
    found = re.findall(r'(?:href|action)="([^"]*)"', page)
    found += re.findall(r'name="(?:url|next)"[^>]*value="([^"]*)"', page)
    found += re.findall(r'value="([^"]*)"[^>]*name="(?:url|next)"', page)
    found = [html.unescape(a) for a in found]
    # Flask-Admin's menu toggles are its own "javascript:void(0)", never a request's address.
    return [a for a in found if a and a != "javascript:void(0)" and not a.startswith(("#", "tel:"))]


def assert_stays_on_site(page: str, fallback: str) -> None:
    addresses = return_addresses(page)
    assert addresses, "the page has no links"
    off = [a for a in addresses if not is_on_site(a)]
    assert not off, off
    assert fallback in addresses
    assert "evil" not in " ".join(urlsplit(a).path for a in addresses)


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_check_refuses_every_address_off_the_site(target):
    assert not is_site_path(target)
    assert safe_return(target, "/admin/") == "/admin/"


@pytest.mark.parametrize(
    "target", [GOOD, "/", "/admin/ticket/details/?id=3&url=%2Fadmin%2Fticket%2F", "/admin/x?q=张"]
)
def test_the_check_keeps_a_path_on_this_site(target):
    assert safe_return(target, "/admin/") == target


@pytest.fixture
def desk(factories, login):
    world = factories.two_estates()
    world.supervisor = factories.staff(Role.supervisor, estates=[world.a])
    world.ticket = factories.ticket(world.a, category=TicketCategory.complaint, description="噪音")
    world.client = login(world.supervisor)
    return world


def back_links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<a href="([^"]*)"[^>]*>Back</a>', page)]


def hidden_url(page: str) -> str:
    return html.unescape(re.search(r'name="url" value="([^"]*)"', page).group(1))


@pytest.mark.parametrize("target", OFF_SITE)
def test_a_step_page_goes_back_to_the_list_not_off_site(desk, target):
    page = desk.client.get(
        "/admin/ticket/act/start/", query_string={"id": desk.ticket.id, "url": target}
    ).get_data(as_text=True)
    assert back_links(page) == ["/admin/ticket/"]
    assert hidden_url(page) == "/admin/ticket/"
    assert_stays_on_site(page, "/admin/ticket/")


def test_a_step_page_keeps_a_good_return_address(desk):
    page = desk.client.get(
        "/admin/ticket/act/start/", query_string={"id": desk.ticket.id, "url": GOOD}
    ).get_data(as_text=True)
    assert back_links(page) == [GOOD]
    assert hidden_url(page) == GOOD


@pytest.mark.parametrize("target", OFF_SITE)
def test_a_step_done_lands_on_the_record_and_a_refused_one_offers_the_list(desk, target):
    url = f"/admin/ticket/act/start/?id={desk.ticket.id}"
    done = desk.client.post(url, {"note": "回电", "url": target})
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/admin/ticket/details/?id={desk.ticket.id}")
    again = desk.client.post(url, {"note": "回电", "url": target})  # now refused: shown again
    assert again.status_code == 200
    assert_stays_on_site(again.get_data(as_text=True), "/admin/ticket/")


@pytest.mark.parametrize("target", OFF_SITE)
def test_a_list_action_passes_on_only_a_good_return_address(desk, target):
    response = desk.client.post(
        "/admin/ticket/action/",
        {"action": "start", "rowid": str(desk.ticket.id), "url": target},
    )
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/admin/ticket/act/start/"
    assert "url" not in parse_qs(location.query)


@pytest.mark.parametrize("target", OFF_SITE)
@pytest.mark.parametrize(
    ("page", "fallback"),
    [
        ("/admin/ticket/new/", "/admin/ticket/"),  # the front desk's own form
        ("/admin/ticket/edit/", "/admin/ticket/"),
        ("/admin/ticket/details/", "/admin/ticket/"),
        ("/admin/unit/new/", "/admin/unit/"),
    ],
)
def test_record_pages_link_back_to_their_list_not_off_site(desk, target, page, fallback):
    response = desk.client.get(page, query_string={"id": desk.ticket.id, "url": target})
    assert response.status_code == 200
    assert_stays_on_site(response.get_data(as_text=True), fallback)


def test_record_pages_keep_a_good_return_address(desk):
    page = desk.client.get(
        "/admin/ticket/details/", query_string={"id": desk.ticket.id, "url": GOOD}
    ).get_data(as_text=True)
    assert GOOD in return_addresses(page)


def save_ticket(desk, target):
    return desk.client.post(
        "/admin/ticket/edit/",
        {
            "description": "噪音（已核实）",
            "category": "complaint",
            "estate": desk.a.id,
            "url": target,
        },
        query_string={"id": desk.ticket.id, "url": target},
    )


@pytest.mark.parametrize("target", OFF_SITE)
def test_saving_or_deleting_a_record_returns_to_the_list_not_off_site(desk, target):
    saved = save_ticket(desk, target)
    assert saved.status_code == 302
    assert urlsplit(saved.headers["Location"]).path == "/admin/ticket/"
    deleted = desk.client.post("/admin/ticket/delete/", {"id": desk.ticket.id, "url": target})
    assert deleted.status_code == 302
    assert urlsplit(deleted.headers["Location"]).path == "/admin/ticket/"


def test_saving_or_deleting_a_record_keeps_a_good_return_address(desk):
    assert save_ticket(desk, GOOD).headers["Location"].endswith(GOOD)
    response = desk.client.post("/admin/ticket/delete/", {"id": desk.ticket.id, "url": GOOD})
    assert response.headers["Location"].endswith(GOOD)


# ---- login, language, inbox ---------------------------------------------------------------
@pytest.mark.parametrize("target", OFF_SITE)
def test_the_login_page_drops_an_off_site_next(client, target):
    page = client.get("/login", query_string={"next": target}).get_data(as_text=True)
    assert "evil" not in page and "alert(1)" not in page


@pytest.mark.parametrize("target", OFF_SITE)
def test_logging_in_with_an_off_site_next_lands_at_home(factories, client, target):
    staff = factories.staff(Role.receptionist, estates=[factories.estate()])
    response = client.post(
        "/login", {"username": staff.username, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/admin/"


def test_logging_in_keeps_a_good_next(factories, client):
    staff = factories.staff(Role.receptionist, estates=[factories.estate()])
    response = client.post(
        "/login", {"username": staff.username, "password": PASSWORD, "next": GOOD}
    )
    assert response.headers["Location"].endswith(GOOD)


@pytest.mark.parametrize("target", OFF_SITE)
def test_switching_language_with_an_off_site_next_lands_at_home(desk, target):
    response = desk.client.post("/language", {"lang": "zh_Hans_CN", "next": target})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/admin/"


def test_switching_language_keeps_the_page(desk):
    response = desk.client.post("/language", {"lang": "en", "next": GOOD})
    assert response.headers["Location"].endswith(GOOD)


@pytest.mark.parametrize("target", ["javascript:alert(1)", "https://evil.com", "/\\evil.com"])
def test_a_stored_inbox_link_off_the_site_opens_the_inbox(desk, in_app, target):
    with in_app():
        row = Notification(staff_id=desk.supervisor.id, title="看这里", link=target)
        db.session.add(row)
        db.session.commit()
        nid = row.id
    response = desk.client.post(f"/admin/inbox/{nid}/open")
    assert urlsplit(response.headers["Location"]).path == "/admin/inbox/"
