"""Browser tests: Playwright drives Debian's Chromium against the real app on a loopback port.

The server runs the test app (same database as the factories) in a thread. Each failing test
keeps a screenshot of every open page in tests/artifacts/e2e/; passing tests keep the
screenshots they take on purpose, to be looked at.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import threading
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from admin_app.models import RenovationStatus, Role

from .walk import AXE, AXE_URL

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def chromium_path() -> str:
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not path:
        pytest.fail("Chromium is not installed: run `python3 dev.py test`, which installs it.")
    return path


def with_axe(app):
    """The app, and axe-core at AXE_URL for the accessibility walk (tests/e2e/walk.py)."""

    def serve(environ, start_response):
        if environ.get("PATH_INFO") != AXE_URL:
            return app(environ, start_response)
        body = AXE.read_bytes()
        start_response(
            "200 OK",
            [
                ("Content-Type", "text/javascript; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "max-age=3600"),
            ],
        )
        return [body]

    return serve


@pytest.fixture(scope="session")
def live_server(app):
    # Each page would otherwise revalidate its twenty stylesheets and scripts (304s) one by one:
    # the browser keeps them for the session, as it would in production behind a proxy.
    cache_age = app.config.get("SEND_FILE_MAX_AGE_DEFAULT")
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    server = make_server("127.0.0.1", 0, with_axe(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = cache_age


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Every page of every tab reports what the Content-Security-Policy refused (an inline script
# or handler, a javascript: link, a style attribute, a file from elsewhere): the event fires
# in the page, before any of the page's own scripts could hide it.
REPORT_VIOLATIONS = """document.addEventListener('securitypolicyviolation', event => {
    window.__cspViolation(`${event.effectiveDirective} refused ${event.blockedURI || 'inline'}`
        + ` at ${event.sourceFile || location.href}:${event.lineNumber}`
        + (event.sample ? ` (${event.sample})` : ''));
});"""


class Session:
    """One person at one screen. What goes wrong in any of its tabs is kept: a script error,
    and anything the Content-Security-Policy refused (reported by the page, and by Chromium in
    the console); the `screen` fixture fails the test on either."""

    def __init__(self, browser, base_url, name, viewport=DESKTOP, locale="zh-CN"):
        self.context = browser.new_context(viewport=viewport, locale=locale, base_url=base_url)
        self.errors: list[str] = []
        self.violations: list[str] = []
        self.context.expose_function("__cspViolation", lambda text: self.violations.append(text))
        self.context.add_init_script(REPORT_VIOLATIONS)
        self.context.on("console", self._console)
        self.context.on("weberror", lambda error: self.errors.append(str(error.error)))
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)  # generous: CI machines are shared
        self.name = name

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(
                f"console: {message.text} at {message.page and message.page.url}"
            )

    def login(self, username, password):
        self.page.goto("/login")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        with self.page.expect_navigation():  # to the home page (or the technician's)
            self.page.click("button[type=submit]")
        return self

    def shot(self, label: str, page=None) -> Path:
        """A full-page screenshot of this screen (or of another tab it opened)."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{label}.png"
        page = page or self.page
        scrolled = page.evaluate("[window.scrollX, window.scrollY]")
        page.screenshot(path=str(path), full_page=True)
        # A full-page capture leaves Chromium's scroll position half-restored: the next click
        # would land where the page jumps to. Put it back and let two frames pass.
        page.evaluate(
            """([x, y]) => new Promise(done => {
                window.scrollTo(x, y);
                requestAnimationFrame(() => requestAnimationFrame(done));
            })""",
            scrolled,
        )
        return path

    def pick_ajax(self, field: str, text: str) -> None:
        """Choose from a Flask-Admin ajax select (select2 3.5) by typing, like a person."""
        self.page.click(f"#s2id_{field} .select2-choice")
        self.page.fill("#select2-drop input.select2-input", text)
        self.page.click("#select2-drop .select2-result-selectable >> nth=0")


def solid_png(width: int = 160, height: int = 120, rgb=(70, 130, 180)) -> bytes:
    """A real PNG (one colour), for uploads that the pages show again as images."""
    row = b"\x00" + bytes(rgb) * width
    chunk = lambda kind, data: (  # noqa: E731
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def renovation_under_way(factories, *, building: str, room: str, owner: str, phone: str, **fields):
    """华苑小区 (HY) with a flat being renovated by 安居装饰公司 under permit HY-ZX-0001, and
    its office: 王前台 at the desk (front), 李主管 supervising (boss), 孙保安 at the gate (gate1).
    Returns (estate, unit, renovation); fields add to or override the renovation's."""
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building=building, room=room)
    resident = factories.resident(unit, name=owner, phone=phone)
    renovation = factories.renovation(
        estate,
        unit,
        **{
            "owner_id": resident.id,
            "contractor": "安居装饰公司",
            "status": RenovationStatus.in_progress,
            "permit_number": "HY-ZX-0001",
            **fields,
        },
    )
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    factories.staff(Role.supervisor, estates=[estate], username="boss", name="李主管")
    factories.staff(Role.guard, estates=[estate], username="gate1", name="孙保安")
    return estate, unit, renovation


def submit(page, selector: str = "#confirm-action") -> None:
    """Click and wait for the next page, as a person waits before reading it."""
    with page.expect_navigation():
        page.click(selector)


def flashes(page, kind: str = "success") -> list[str]:
    """The flash messages of one kind on the page (Flask-Admin maps "error" to alert-danger)."""
    css = {"error": "danger"}.get(kind, kind)
    texts = page.locator(f".alert-{css}").all_inner_texts()
    return [re.sub(r"^×\s*", "", text.strip()) for text in texts]  # without the close button


def details_field(page, label: str) -> str:
    """A value on a details page, found by its label as a person reads it."""
    name = page.locator(
        ":is(th, td):first-child", has_text=re.compile(f"^\\s*{re.escape(label)}\\s*$")
    )
    row = page.locator("table.table tr", has=name).first
    return row.locator("td").last.inner_text().strip()


CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
# Every text of the page a person may come to read: text nodes (hidden ones too: menus,
# dialogs, options), placeholders, tooltips, alt texts, button values and the title. The
# language menu names each language in itself (marked lang="zh-CN", lang="en"): that is not
# left untranslated, so what is marked in the other language (the argument: "zh" by
# default, "en" for a Chinese page) is left out.
PAGE_TEXTS = """(other) => {
    other = other || 'zh';
    // Flask-Admin's data for its scripts (JSON in hidden divs), which no one reads as text.
    const DATA = '#filter-groups-data, #active-filters-data, #actions-confirmation-data';
    const chinese = el => {
        const marked = el && el.closest(`[lang^=${other}]`);
        return marked && marked !== document.documentElement;
    };
    const texts = [];
    const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const parent = walker.currentNode.parentElement;
        if (!parent || parent.closest(`script, style, template, noscript, ${DATA}`) || chinese(parent)) {
            continue;
        }
        const text = walker.currentNode.nodeValue.trim();
        if (text) texts.push(text);
    }
    const attrs = ['placeholder', 'title', 'alt', 'aria-label', 'data-placeholder'];
    for (const el of document.querySelectorAll(
        '[placeholder], [title], [alt], [aria-label], [data-placeholder], input[type=submit]'
    )) {
        if (chinese(el)) continue;
        for (const name of attrs) if (el.getAttribute(name)) texts.push(el.getAttribute(name));
        if (el.matches('input[type=submit]') && el.value) texts.push(el.value);
    }
    return texts;
}"""


# A number plate starts with its province in Chinese in every language (粤B12345, 粤BD12345).
PLATE = re.compile(r"[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}\b")


def _without(rest: str, known: tuple[str, ...], by: str = " ") -> str:
    """A text without the records' own content in it (the longest first)."""
    for content in known:
        if content in rest:
            rest = rest.replace(content, by)
    return rest


def _known(record_text) -> tuple[str, ...]:
    return tuple(sorted({t for t in record_text if t}, key=len, reverse=True))


def chinese_left(page, record_text=()) -> list[str]:
    """Chinese on a page shown in English, other than the records' own content (names,
    descriptions, estates typed in Chinese) and number plates: each text where some is left."""
    known = _known(record_text)
    left = []
    for text in page.evaluate(PAGE_TEXTS, "zh"):
        rest = PLATE.sub("", text)
        # Only a text with Chinese in it is searched for the records' content (thousands of
        # them for the demo office): the same answer, without the search for every label.
        if CJK.search(rest) and CJK.search(_without(rest, known, by="")):
            left.append(text)
    return left


# English on a Chinese page: a word of two or more Latin letters. A single letter is a
# building, an entrance or a plate's letter, never a sentence left in English.
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
# Not words but codes: anything with a digit in it (HY-ZX-0001, 3-1201, reception2, A4, 8:00),
# letters joined to codes by hyphens (HY-ZX), e-mail addresses, and the unit m².
CODE = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|[\w.+/=-]*\d[\w.+/=-]{15,}"  # a machine token: a scanned pass code (w.2.b29…-Zxyz)
    r"|\b\w*\d\w*\b"  # anything with a digit
    r"|\b[A-Z]+(?:-[A-Z0-9]+)+\b"  # hyphenated codes: HY-ZX
    r"|m²"
)
# The few Latin words a Chinese office reads as they are, each with why:
ENGLISH_ALLOWED = {
    # File formats, encodings and sizes, named so in Chinese software too (the upload hints:
    # "PNG、JPEG 或 WebP 格式，不超过 5 MB", "CSV 或 Excel .xlsx", "UTF-8、GBK/GB18030").
    *(
        "CSV",
        "csv",
        "XLSX",
        "xlsx",
        "Excel",
        "PNG",
        "JPEG",
        "WebP",
        "PDF",
        "GIF",
        "MB",
        "UTF",
        "GBK",
    ),
    # Vehicle types, written so on Chinese registrations and signs.
    *("SUV", "MPV"),
    # The product the background jobs need, named as the administrator installs it.
    "Redis",
}


def english_left(page, record_text=()) -> list[str]:
    """English on a page shown in Chinese, other than the records' own content (names,
    addresses, usernames typed in Latin letters, estate codes), codes, numbers, number
    plates and the few words in ENGLISH_ALLOWED: each text where some is left."""
    known = _known(record_text)
    left = []
    for text in page.evaluate(PAGE_TEXTS, "en"):
        # Codes first: a record's short text ("30") inside a code (GB18030) would leave "GB".
        rest = CODE.sub(" ", PLATE.sub(" ", text))
        if _english_words(rest) and _english_words(_without(rest, known)):
            left.append(text)
    return left


def _english_words(text: str) -> bool:
    return any(word not in ENGLISH_ALLOWED for word in ENGLISH_WORD.findall(text))


@pytest.fixture
def screen(browser, live_server, request):
    opened: list[Session] = []

    def open_screen(name, viewport=DESKTOP, locale="zh-CN") -> Session:
        session = Session(browser, live_server, name, viewport, locale)
        opened.append(session)
        return session

    yield open_screen
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for session in opened:
        if failed:
            session.shot(f"FAILED-{request.node.name}-{session.name}")
        session.context.close()
    errors = [f"{s.name}: {e}" for s in opened for e in s.errors]
    assert not errors, f"JavaScript errors on the pages: {errors}"
    violations = [f"{s.name}: {v}" for s in opened for v in s.violations]
    assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
