"""The history list's filters offer record types and actions in the page's language (Flask-Admin
reads filter options once, at start-up: they were English on every page)."""

from __future__ import annotations

import json

import pytest

from admin_app.models import Role


@pytest.mark.parametrize(
    ("lang", "shown", "not_shown"),
    [
        ("zh-CN", ["工单", "派工"], ['"Work order"', '"Dispatch"']),
        ("en", ["Work order", "Dispatch"], ["工单", "派工"]),
    ],
)
def test_the_history_filters_speak_the_pages_language(factories, login, lang, shown, not_shown):
    estate = factories.estate(code="HY", name="华苑小区")
    supervisor = factories.staff(Role.supervisor, estates=[estate])
    page = login(supervisor, lang=lang).get("/admin/audit_record/").get_data(as_text=True)
    for text in shown:  # as the page's script receives them (JSON escapes Chinese)
        assert json.dumps(text)[1:-1] in page or text in page, text
    for text in not_shown:
        assert text not in page and json.dumps(text)[1:-1] not in page, text
