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


def test_flask_admin_words_read_as_an_office_says_them(tmp_path):
    """Flask-Admin's own Chinese where it reads wrong ("25 项目": 25 projects) is replaced by
    ours, and its page-size options (msgids no catalog holds) are translated."""
    import gettext

    from admin_app.panel.stock_wording import PAGE_SIZE_OPTIONS, REWORDED

    tb.compile_flask_admin_catalogs(tmp_path)
    with (tmp_path / "zh_Hans_CN" / "LC_MESSAGES" / "admin.mo").open("rb") as fh:
        built = gettext.GNUTranslations(fh)
    ours = tb.load("zh_Hans_CN")
    for msgid in REWORDED:
        assert built.gettext(msgid) == ours.get(msgid).string, msgid
    assert "项目" not in built.gettext("items")
    for size in PAGE_SIZE_OPTIONS:
        option = built.ngettext(f"{size} item", f"{size} items", size)
        assert str(size) in option and "items" not in option
