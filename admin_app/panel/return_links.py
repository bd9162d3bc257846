"""The one check for an address a page sends a person back to when the request names it
(`url=` of a record page or a step, `next=` of the login and the language switch, a stored
link): only a path on this site is kept, anything else becomes the page's own fallback.

A Back link or a redirect to `javascript:…`, `//evil.com`, `/\\evil.com` or `https://evil.com`
would run a script in the panel or lead a logged-in person to a look-alike site, so the test
is strict: one leading "/", no scheme or host, no backslash, no whitespace or control
character (browsers drop some of them silently), and the same once the path is
percent-decoded (a server or proxy on the way may decode `%2F`).
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import request

# Longer than any address the panel builds (a filtered list's is a few hundred characters).
MAX_LENGTH = 2000
# A path decoded this many times and still changing is an attempt, not an address.
DECODINGS = 3


def _plain(text: str) -> bool:
    return all(ch.isprintable() and not ch.isspace() and ch != "\\" for ch in text)


def _one_leading_slash(path: str) -> bool:
    return path.startswith("/") and not path.startswith("//")


def is_site_path(target: object) -> bool:
    """True for a path on this site ("/admin/ticket/?flt0_queue=x"), False for anything a
    browser could take to another site or run as a script."""
    if not isinstance(target, str) or not target or len(target) > MAX_LENGTH:
        return False
    if not _plain(target) or not _one_leading_slash(target):
        return False
    try:
        parts = urlsplit(target)
    except ValueError:
        return False
    if parts.scheme or parts.netloc:
        return False
    path = parts.path
    for _ in range(DECODINGS):
        decoded = unquote(path)
        if not _plain(decoded) or not _one_leading_slash(decoded):
            return False
        if decoded == path:
            return True
        path = decoded
    return False


def safe_return(target: object, fallback: str | None = None) -> str | None:
    """The target when it is a path on this site, else the fallback."""
    return target if is_site_path(target) else fallback


def return_target(name: str = "url", fallback: str | None = None) -> str | None:
    """The request's own return address (query or form field `name`), checked."""
    return safe_return(request.values.get(name), fallback)
