"""Each request finds its translations catalogue once.

Flask-Babel finds the catalogue anew on every gettext and every lazy string: the request's
Babel context, the locale, the locale's name as a string (Babel builds it each time) and a
lookup; a list page translates a few hundred times, which was ~3 ms of its CPU. The catalogue
found first is kept on the request's Babel context with the locale it is for; a changed locale
(force_locale, refresh) finds it again. Catalogues themselves stay Flask-Babel's (loaded once
per process, as before).

Flask-Babel also finds its per-request state (on `g`) three times per translation, each
through two of Flask's context proxies; `babel_state` reads the application context once.
"""

from __future__ import annotations

from types import SimpleNamespace

import flask_babel
from flask.globals import _cv_app
from flask_babel import Domain


def babel_state() -> SimpleNamespace | None:
    """Flask-Babel's own `_get_current_context`, the same object, without the proxies: the
    application context's `g._flask_babel`, made on first use; None outside a context."""
    context = _cv_app.get(None)
    if context is None:
        return None
    g = context.g
    try:
        return g._flask_babel
    except AttributeError:
        g._flask_babel = SimpleNamespace()
        return g._flask_babel


def install() -> None:
    if getattr(Domain.get_translations, "kept_per_request", False):
        return
    # get_locale, get_domain and Domain.get_translations look this name up on every call
    flask_babel._get_current_context = babel_state
    find = Domain.get_translations

    def get_translations(self):
        context = babel_state()
        if context is None:
            return find(self)
        kept = context.__dict__.setdefault("kept_translations", {})
        entry = kept.get(id(self))
        locale = getattr(context, "babel_locale", None)
        if entry is not None and entry[0] is self and locale is not None and entry[1] is locale:
            return entry[2]
        translations = find(self)  # sets context.babel_locale when it was not set yet
        kept[id(self)] = (self, getattr(context, "babel_locale", None), translations)
        return translations

    get_translations.kept_per_request = True
    Domain.get_translations = get_translations
