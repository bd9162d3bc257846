"""The Content-Security-Policy of every response: scripts and styles only from the panel itself."""

from __future__ import annotations

import secrets

from flask import g

# An injected <script>, inline handler (onclick=…) or javascript: link does not run: scripts
# come only from the panel's own files. The few <style> blocks whose values are the page's
# (the print and pass-card paper sizes) carry this response's nonce; style attributes are
# refused like inline scripts. Images: the panel's, and the signature pad's drawing (a data:
# URL) and chosen photos (blob:) shown before upload.
DIRECTIVES = (
    ("default-src", "'self'"),
    ("script-src", "'self' 'nonce-{nonce}'"),
    ("style-src", "'self' 'nonce-{nonce}'"),
    ("img-src", "'self' data: blob:"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'self'"),
)


def nonce() -> str:
    """This response's nonce, the same for every element of the page that asks for it."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def header_value() -> str:
    return "; ".join(f"{name} {sources.format(nonce=nonce())}" for name, sources in DIRECTIVES)


def apply(response) -> None:
    response.headers.setdefault("Content-Security-Policy", header_value())
