"""Both catalogs are complete for every string in the code and templates."""

from __future__ import annotations

import re

from admin_app import translations_build as tb


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)s", text))


def test_catalogs_cover_every_string():
    wanted = {m.id for m in tb.extract() if m.id}
    for locale in tb.LOCALES:
        catalog = tb.load(locale)
        have = {m.id for m in catalog if m.id and m.string}
        missing = sorted(str(i) for i in wanted - have)
        assert not missing, f"{locale} lacks translations for: {missing[:20]}"
        assert tb.untranslated(catalog) == []


def test_chinese_keeps_every_placeholder():
    for message in tb.load("zh_Hans_CN"):
        if message.id and isinstance(message.id, str):
            assert _placeholders(message.id) == _placeholders(message.string), message.id


def test_chinese_is_chinese():
    catalog = tb.load("zh_Hans_CN")
    untranslated = [
        m.id for m in catalog if m.id and m.string == m.id and re.search("[a-z]{3}", m.id)
    ]
    assert untranslated == []
