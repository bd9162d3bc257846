"""Flask-Admin's templates without inline script, which the Content-Security-Policy refuses.

Its bootstrap4 templates write a few handlers inline (`onclick="return false;"` on a filter,
`onclick="return modelActions.execute(…)"` on a list action) and `href="javascript:void(0)"` on
tabs, dropdown toggles and the pager's disabled links. The policy blocks those (a click on such
a link reports a violation; an inline handler does not run), so each is rewritten as the
templates are loaded: the link to "#", the handler to a data- attribute that
static/js/inline-free.js acts on. `tests/panel/test_inline_free.py` checks that every text
replaced here is still in the installed Flask-Admin's templates, so an upgrade that rewords one
fails there, loudly.
"""

from __future__ import annotations

from pathlib import Path

import flask_admin
from jinja2 import BaseLoader

FLASK_ADMIN_TEMPLATES = Path(flask_admin.__file__).parent / "templates"
# (template, text in it, what it becomes)
REWRITES = (
    ("*", 'href="javascript:void(0)"', 'href="#"'),
    ("admin/model/layout.html", ' onclick="return false;"', ""),
    (
        "admin/actions.html",
        "onclick=\"return modelActions.execute('{{ p[0] }}');\"",
        'data-action="{{ p[0] }}"',
    ),
    (
        "admin/model/row_actions.html",
        "onclick=\"return faHelpers.safeConfirm('{{ _gettext('Are you sure you want to delete "
        "this record?') }}');\"",
        "data-confirm=\"{{ _gettext('Are you sure you want to delete this record?') }}\"",
    ),
)


def rewritten(name: str, source: str) -> str:
    for template, old, new in REWRITES:
        if template in ("*", name):
            source = source.replace(old, new)
    return source


class InlineFreeLoader(BaseLoader):
    """The app's loader, with Flask-Admin's own templates rewritten on their way in."""

    def __init__(self, loader: BaseLoader):
        self.loader = loader

    def get_source(self, environment, template):
        source, filename, uptodate = self.loader.get_source(environment, template)
        if filename and Path(filename).is_relative_to(FLASK_ADMIN_TEMPLATES):
            source = rewritten(template, source)
        return source, filename, uptodate

    def list_templates(self):
        return self.loader.list_templates()


def install(app) -> None:
    app.jinja_env.loader = InlineFreeLoader(app.jinja_env.loader)
