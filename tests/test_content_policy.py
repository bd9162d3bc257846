"""The Content-Security-Policy: every response carries it, with scripts only from the panel
itself, and no page the panel serves needs more (no inline script, handler, javascript: link or
style attribute; its <style> blocks carry the response's nonce)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask_babel import force_locale

from admin_app.extensions import db
from admin_app.models import Role
from seed.demo import DEMO_PASSWORD, seed_demo
from tests.e2e.walk import links_of, shape

BASE = "http://localhost"
# What the issue asks for, directive by directive: exactly these sources (a nonce aside).
EXPECTED = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:", "blob:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'self'"},
}
# Data for the pages' scripts, never run as script.
DATA_SCRIPT = {"application/json"}


def policy(response) -> tuple[dict[str, set[str]], str | None]:
    """The policy's directives (each a set of sources, nonces left out) and its nonce."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request.path}: no Content-Security-Policy"
    directives, nonces = {}, set()
    for part in header.split(";"):
        name, *sources = part.split()
        nonces |= {s for s in sources if s.startswith("'nonce-")}
        directives[name] = {s for s in sources if not s.startswith("'nonce-")}
    assert len(nonces) <= 1, header
    nonce = nonces.pop()[len("'nonce-") : -1] if nonces else None
    return directives, nonce


class InlineCode(HTMLParser):
    """What of a page the policy would refuse: each found, described."""

    def __init__(self, nonce):
        super().__init__()
        self.nonce = nonce
        self.refused: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.refused.append(f"<{tag} {name}=…>")
            if name == "style":
                self.refused.append(f"<{tag} style={value!r}>")
            if name in ("href", "src", "action", "formaction") and re.match(
                r"\s*javascript:", value or "", re.I
            ):
                self.refused.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not attrs.get("src") and attrs.get("type") not in DATA_SCRIPT:
            self.refused.append("<script> without src")
        if tag == "style" and (self.nonce is None or attrs.get("nonce") != self.nonce):
            self.refused.append("<style> without this response's nonce")


def refused(response) -> list[str]:
    directives, nonce = policy(response)
    for name, sources in EXPECTED.items():
        assert directives.get(name) == sources, (response.request.path, name, directives)
    if response.mimetype != "text/html":
        return []
    parser = InlineCode(nonce)
    parser.feed(response.get_data(as_text=True))
    return parser.refused


def walk(client, start: str, limit: int = 250) -> dict[str, object]:
    """Every page shape reachable from `start` by links (as the browser walk reads them)."""
    pages, seen, queue = {}, set(), [BASE + start]
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if shape(url) in seen:
            continue
        seen.add(shape(url))
        response = client.get(url[len(BASE) :])
        assert response.status_code < 500, url
        pages[shape(url)] = response
        if response.status_code == 200 and response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            queue += [link for link in links_of(html, url, BASE) if shape(link) not in seen]
    return pages


def test_every_page_each_role_opens_carries_the_policy_and_needs_no_more(app, client, login):
    with app.app_context(), force_locale("en"):
        seed_demo()
        db.session.commit()
    pages = {"/login": client.get("/login"), "/no-such-page": client.get("/no-such-page")}
    # The administrator reaches every office page; the technician and the guard their phone
    # pages; the front desk its own home.
    for username in ("admin", "tech", "guard", "reception"):
        person = login(username, DEMO_PASSWORD)
        pages |= walk(person, person.get("/", follow_redirects=True).request.path)
    assert len(pages) > 100  # the walk went through the whole panel, not a login page
    kinds = {response.mimetype for response in pages.values()}
    assert "text/html" in kinds
    problems = {path: found for path, response in pages.items() if (found := refused(response))}
    assert not problems, problems


def test_each_response_has_its_own_nonce_and_its_style_blocks_carry_it(app, factories, login):
    estate = factories.two_estates().a
    order = factories.work_order(estate)
    admin = login(factories.staff(Role.admin, estates=[estate]))
    first = admin.get(f"/admin/work_order/print/?id={order.id}")
    second = admin.get(f"/admin/work_order/print/?id={order.id}")
    (_, nonce), (_, other) = policy(first), policy(second)
    assert nonce and other and nonce != other
    assert f'<style nonce="{nonce}">' in first.get_data(as_text=True)
    assert not refused(first)


def test_files_and_answers_that_are_not_pages_carry_it_too(client):
    for url in ("/static/js/inline-free.js", "/static/icons/favicon.svg", "/healthz"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response)[0]["script-src"] == {"'self'"}, url
