"""Every page each role opens, in Chinese and in English, at desktop and phone sizes: axe-core
finds no critical or serious violation, and no word is left in the other language.

The office is the demo's (two estates, every kind of record in every state). Each role logs in
and follows every link from its home (tests/e2e/walk.py); a page shape another role already
showed is not checked twice. The counts per page are written to
tests/artifacts/e2e/axe-<lang>.txt and printed at the end of the run.
"""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from admin_app.extensions import db
from seed.demo import DEMO_PASSWORD, seed_demo

from .conftest import ARTIFACTS, DESKTOP, PHONE, chinese_left, english_left
from .walk import check, crawl, records_text, report

pytestmark = pytest.mark.browser

ROLES = ("admin", "director", "supervisor", "reception", "tech", "guard")
# Pages before logging in: the login form and a page that is not there.
PUBLIC = ("/login", "/no-such-page")


@pytest.fixture
def demo_office(app):
    # As `flask seed demo` builds it: in the office's language (texts the seed composes, such
    # as a work order's place from its unit, are stored in it).
    with app.app_context(), force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
        seed_demo()
        db.session.commit()
        return records_text()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_page_each_role_opens(demo_office, screen, live_server, lang):
    findings, problems, checked = [], [], set()

    def look(person, role, url):
        person.page.set_viewport_size(DESKTOP)
        person.page.goto(url)
        for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            person.page.set_viewport_size(viewport)
            finding = check(person.page, url, size, role)
            findings.append(finding)
            problems.extend(f"[{role} {size}] {url}: {b}" for b in finding.blocking)
        left = (chinese_left if lang == "en" else english_left)(person.page, demo_office)
        problems.extend(f"[{role}] {url}: other language left: {t!r}" for t in left[:5])

    visitor = screen(f"visitor-{lang}", locale=lang)
    for path in PUBLIC:
        look(visitor, "-", live_server + path)
    for role in ROLES:
        person = screen(f"{role}-{lang}", locale=lang).login(role, DEMO_PASSWORD)
        pages = crawl(person.context, live_server, person.page.url)
        assert len(pages) >= 2, f"{role} reaches only {list(pages)}"
        for key, url in pages.items():
            if key not in checked:
                checked.add(key)
                look(person, role, url)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-{lang}.txt").write_text(report(lang, findings) + "\n")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:80])
