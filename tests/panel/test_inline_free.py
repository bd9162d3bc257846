"""Flask-Admin's templates, as the panel loads them, hold no inline script: each text the
rewrite looks for is still in the installed Flask-Admin (an upgrade that rewords one fails
here), and none of its bootstrap4 templates the panel renders keeps an inline handler or a
javascript: link after it."""

from __future__ import annotations

import re

from admin_app.panel.inline_free import FLASK_ADMIN_TEMPLATES, REWRITES, rewritten

THEME = FLASK_ADMIN_TEMPLATES / "bootstrap4"
INLINE = re.compile(r"\son[a-z]+=|javascript:", re.I)
# Flask-Admin's templates for features the panel does not use (file manager, inline child
# forms, Redis console, modal dialogs, which carry its nonce and still run): left as they are.
UNUSED = ("admin/file/", "admin/rediscli/", "admin/model/inline_", "admin/model/modals/")


def test_every_text_rewritten_is_in_flask_admins_templates():
    for template, old, _new in REWRITES:
        names = [template] if template != "*" else ["admin/model/list.html", "admin/lib.html"]
        for name in names:
            assert old in (THEME / name).read_text(encoding="utf-8"), (name, old)


def test_no_template_the_panel_uses_keeps_inline_script():
    left = {}
    for path in THEME.rglob("*.html"):
        name = path.relative_to(THEME).as_posix()
        if name.startswith(UNUSED):
            continue
        source = rewritten(name, path.read_text(encoding="utf-8"))
        found = [line.strip() for line in source.splitlines() if INLINE.search(line)]
        if found:
            left[name] = found
    assert not left, left
