"""Static files' URLs are built once per process (panel/rows.py, static_url): the cache must
give each mount point its own, and the pages the same URLs Flask-Admin writes."""

from __future__ import annotations

import re

from admin_app.models import Role

STATIC = re.compile(r'(?:href|src)="([^"]*/static/[^"]*)"')


def _static_urls(c, mount: str = "") -> list[str]:
    page = c.http.get("/admin/", headers=c.headers, environ_overrides={"SCRIPT_NAME": mount})
    assert page.status_code == 200
    return STATIC.findall(page.get_data(as_text=True))


def test_static_urls_follow_the_mount_point_of_each_request(app, factories, login):
    c = login(factories.staff(Role.supervisor, estates=[factories.estate()]))
    plain = _static_urls(c)
    mounted = _static_urls(c, "/office")
    assert plain and len(mounted) == len(plain)
    assert all(url.startswith("/admin/static/") or url.startswith("/static/") for url in plain)
    assert mounted == ["/office" + url for url in plain]
    assert _static_urls(c) == plain  # and not the other mount's, kept from before
