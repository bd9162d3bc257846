"""Every page each role opens, in Chinese and in English: axe-core finds no critical or serious
violation at desktop size (and at phone size for each new layout), and no word is left in the
other language.

The office is the demo's (two estates, every kind of record in every state). Each role logs in
and follows every link from its home (tests/e2e/walk.py), over HTTP: every page answers without
a server error and in the language asked for. A page shape another role already showed is not
drawn and checked again; a page laid out like one already checked at phone size (the same
template, walk.layout) is checked at desktop size only. One
browser context serves every role in turn, so the panel's scripts and styles load once. The
counts per page are written to tests/artifacts/e2e/axe-<lang>.txt, with the walk's time.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask_babel import force_locale

from admin_app.extensions import db
from seed.demo import DEMO_PASSWORD, seed_demo

from .conftest import ARTIFACTS, DESKTOP, PHONE, chinese_left, english_left
from .walk import Reader, check, crawl, layout, records_text, report

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
    findings, problems, checked, phone_layouts = [], [], set(), set()
    started = time.perf_counter()

    def look(person, role, url):
        person.page.set_viewport_size(DESKTOP)
        person.page.goto(url)
        sizes = [("desktop", DESKTOP)]
        if (shape := layout(person.page)) not in phone_layouts:
            phone_layouts.add(shape)
            sizes.append(("phone", PHONE))
        for size, viewport in sizes:
            person.page.set_viewport_size(viewport)
            finding = check(person.page, url, size, role)
            findings.append(finding)
            problems.extend(f"[{role} {size}] {url}: {b}" for b in finding.blocking)
        left = (chinese_left if lang == "en" else english_left)(person.page, demo_office)
        problems.extend(f"[{role}] {url}: other language left: {t!r}" for t in left[:5])

    def read(role):
        reader = Reader(live_server, lang)
        return crawl(reader, reader.login(role, DEMO_PASSWORD), lang)

    with ThreadPoolExecutor(max_workers=1) as reading:
        readings = [reading.submit(read, role) for role in ROLES]
        person = screen(f"walk-{lang}", locale=lang)
        for path in PUBLIC:
            look(person, "-", live_server + path)
        for role, pages in zip(ROLES, readings, strict=True):
            pages = pages.result()
            assert len(pages) >= 2, f"{role} reaches only {list(pages)}"
            new = {key: url for key, url in pages.items() if key not in checked}
            if not new:
                continue
            person.context.clear_cookies()  # the next one at the same browser, its cache kept
            person.login(role, DEMO_PASSWORD)
            for key, url in new.items():
                checked.add(key)
                look(person, role, url)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    text = report(lang, findings, time.perf_counter() - started)
    (ARTIFACTS / f"axe-{lang}.txt").write_text(text + "\n")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:80])
