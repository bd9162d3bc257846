"""The walk: every page a role reaches from its home by following links, checked with axe-core
and for words left in the other language.

A page is visited once per shape: its path with numbers as N and the names (not the values) of
its query (a ticket's details stand for every ticket's details; sorting or paging a list is one
shape more). Links that leave the panel, download a file or show an image are not pages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

from sqlalchemy import String, Text, select

from admin_app.extensions import db

# axe-core, served by the test server next to the panel (conftest.with_axe): a page loads it
# as a script of its own site, which its Content-Security-Policy allows, from the browser's
# cache, instead of having half a megabyte of source sent and parsed for every page checked.
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL = "/__e2e__/axe.min.js"
IMPACTS = ("critical", "serious", "moderate", "minor")
BLOCKING = ("critical", "serious")
# Links that are not pages to read: downloads, exports, images, and the way out.
NOT_PAGES = re.compile(
    r"/(export|download|photo|signature|file|files|image|qr|logout|static)(/|$|\.)"
    r"|\.(csv|xlsx|png|jpe?g|pdf|svg|ico|js|css)$"
)
# Query names that do not make another page: the return link, and a list's sorting, paging,
# search and filters (the same page with other rows).
IGNORED_QUERY = {"url", "next", "return_url", "_", "sort", "desc", "page", "page_size", "search"}


def shape(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/N", parts.path)
    names = sorted(
        k for k in parse_qs_names(parts.query) if k not in IGNORED_QUERY and not k.startswith("flt")
    )
    return path + ("?" + "&".join(names) if names else "")


def parse_qs_names(query: str) -> set[str]:
    return {k for k, _ in parse_qsl(query, keep_blank_values=True)}


@dataclass
class Finding:
    url: str
    size: str
    role: str
    counts: Counter = field(default_factory=Counter)
    blocking: list[str] = field(default_factory=list)
    words_left: list[str] = field(default_factory=list)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def links_of(html: str, url: str, base_url: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        if href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        absolute = urljoin(url, href).split("#")[0]
        if absolute.startswith(base_url) and not NOT_PAGES.search(urlsplit(absolute).path):
            found.append(absolute)
    return found


HTML_LANG = re.compile(r"<html[^>]*\slang=\"([^\"]*)\"", re.I)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _Stay(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer of its own, not followed


class Reader:
    """One person reading the panel over HTTP, without a browser (nothing is drawn): logs in
    with the login form, in the language asked for. Used from a thread of its own, so the
    pages of the next role are read while the browser checks those of the one before."""

    def __init__(self, base_url: str, lang: str):
        self.base_url = base_url
        self.headers = {"Accept-Language": lang}
        self.http = build_opener(HTTPCookieProcessor(CookieJar()), _Stay())

    def send(self, url: str, data: dict | None = None) -> tuple[int, dict, str]:
        body = urlencode(data).encode() if data is not None else None
        try:
            request = Request(url, data=body, headers=self.headers)  # noqa: S310 - the test server
            response = self.http.open(request, timeout=120)
        except HTTPError as answer:  # 3xx and 4xx
            response = answer
        with response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")

    def login(self, username: str, password: str) -> str:
        """Logs in; the home page it is sent to."""
        _, _, form = self.send(self.base_url + "/login")
        token = CSRF.search(form).group(1)
        fields = {"username": username, "password": password, "csrf_token": token}
        status, headers, _ = self.send(self.base_url + "/login", fields)
        assert status == 302, f"{username} could not log in ({status})"
        return urljoin(self.base_url, headers["Location"])


def crawl(reader: Reader, start: str, lang: str, limit: int = 200) -> dict[str, str]:
    """The pages reachable from `start` by following links, one URL per shape, in the order a
    person meets them; every page must answer without a server error, in the language asked
    for."""
    pages: dict[str, str] = {}
    seen: set[str] = set()
    queue = [start]
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if shape(url) in seen:
            continue
        seen.add(shape(url))
        status, headers, html = reader.send(url)
        assert status < 500, f"{url} answered {status}"
        if status != 200 or "text/html" not in headers.get("Content-Type", ""):
            continue
        page_lang = HTML_LANG.search(html)
        assert page_lang and page_lang.group(1) == lang, f"{url} is not in {lang}: {page_lang}"
        pages[shape(url)] = url
        queue += [link for link in links_of(html, url, reader.base_url) if shape(link) not in seen]
    return pages


# How a page is laid out, whatever its words, records and fields: the kinds of element (tag
# and classes) its content is made of at the top level, and the page's own kind (the body's
# classes). Pages of one template (a list, a form, a record's details, a confirmation) share
# it: what a phone's width changes (tabs, a table's box, a form, the pager) sits there.
LAYOUT = """() => {
    const root = document.querySelector('main') || document.body;
    const kinds = new Set([`${root.tagName}.${document.body.className}`]);
    for (const child of root.children) {
        if (['SCRIPT', 'STYLE', 'TEMPLATE'].includes(child.tagName)) continue;
        const classes = [...child.classList].filter(c => !/^col-|\\d/.test(c)).sort();
        kinds.add([child.tagName, ...classes].join('.'));
    }
    return [...kinds].sort().join(' ');
}"""


def layout(page) -> str:
    return page.evaluate(LAYOUT)


def axe_violations(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.length,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
            }));
        }"""
    )


def check(page, url: str, size: str, role: str) -> Finding:
    finding = Finding(url=url, size=size, role=role)
    for violation in axe_violations(page):
        finding.counts[violation["impact"]] += violation["nodes"]
        if violation["impact"] in BLOCKING:
            finding.blocking.append(
                f"{violation['impact']} {violation['id']} ×{violation['nodes']}: "
                f"{violation['help']} — {', '.join(violation['targets'])}"
            )
    return finding


def records_text() -> set[str]:
    """Every text typed into the database (names, descriptions, addresses …): a record's own
    content stays as it was typed in every language."""
    texts: set[str] = set()
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        for column in table.columns:
            if isinstance(column.type, String | Text) and not hasattr(column.type, "enums"):
                values = db.session.scalars(select(column).where(column.is_not(None)).distinct())
                texts.update(v.strip() for v in values if isinstance(v, str) and v.strip())
    return texts


def report(lang: str, findings: list[Finding], seconds: float) -> str:
    lines = [
        f"axe-core walk, {lang}: {len(findings)} checks in {seconds:.0f} s "
        "(violating nodes by impact)"
    ]
    lines.append(f"{'role':<11}{'page':<60} {'size':<8}" + "".join(f"{i:>9}" for i in IMPACTS))
    for f in findings:
        path = urlsplit(f.url)
        name = path.path + ("?" + path.query if path.query else "")
        counts = "".join(f"{f.counts[i]:>9}" for i in IMPACTS)
        lines.append(f"{f.role:<11}{name[:60]:<60} {f.size:<8}{counts}")
    totals = "".join(f"{sum(f.counts[i] for f in findings):>9}" for i in IMPACTS)
    lines.append(f"{'total':<80}{totals}")
    return "\n".join(lines)
