"""The residents' own pages at /r/: phone-first, signed in by a one-time SMS code, scoped to
the signed-in resident's household. Other packages (ratings, passes, surveys by link) add their
pages to the same blueprint `bp`: a page module imports it from admin_app.portal.blueprint
(not from this package, which imports the page modules) and is listed in `register_pages`."""

from __future__ import annotations

from admin_app.portal.blueprint import bp

__all__ = ["bp", "limit_pages", "register_pages"]


def register_pages(app) -> None:
    """The blueprint with every page imported onto it (importing a module adds its routes)."""
    from admin_app.portal import records, views  # noqa: F401

    # isort: split
    # Rating, passes and renovations, the survey, one-purpose links, text-message choices.
    from admin_app.portal import links, notices, passes, rating, survey  # noqa: F401

    app.register_blueprint(bp)


def limit_pages(app, limiter) -> None:
    """Codes asked for and codes tried, each limited per phone number and per client address
    (through the app's one limiter, in Redis when there is one: shared by every process)."""
    from admin_app.portal.limits import limit_sign_in

    limit_sign_in(app, limiter)
