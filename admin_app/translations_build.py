"""Message catalogs: extract, update, merge, check and compile.

The .po files are the source (committed); the .mo files are built by the install step and by
`flask --app wsgi translations compile`, never committed. English messages are the msgids, and
the English catalog repeats them so that both catalogs are complete and checkable.
"""

from __future__ import annotations

import json
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).parent
TRANSLATIONS = PACKAGE / "translations"
LOCALES = ("zh_Hans_CN", "en")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "N_": None,  # a msgid read when the catalogs are built (panel/stock_wording.py)
}
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def extract() -> Catalog:
    """Every translatable string in the package's code and templates."""
    catalog = Catalog(project="wuye-admin", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE),
        METHODS,
        keywords=KEYWORDS,
        options_map={"templates/**.html": {}},
    ):
        if "migrations" in filename:
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def load(locale: str) -> Catalog:
    path = po_path(locale)
    if not path.exists():
        return Catalog(locale=locale, project="wuye-admin", charset="utf-8")
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def save(catalog: Catalog, locale: str) -> None:
    path = po_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.fuzzy = False  # the header is reviewed; a fuzzy header would be skipped
    with path.open("wb") as fh:
        write_po(fh, catalog, no_location=True, sort_output=True, width=100)


def update() -> dict[str, int]:
    """Bring each catalog in line with the code: new strings added, gone ones dropped."""
    template = extract()
    missing = {}
    for locale in LOCALES:
        catalog = load(locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if locale == "en":  # English is the source text
            for message in catalog:
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.id and not all(strings):
                    message.string = message.id
        save(catalog, locale)
        missing[locale] = len(untranslated(catalog))
    return missing


def merge(locale: str, translations: dict) -> int:
    """Fill translations from a {msgid: msgstr} mapping (e.g. a JSON file from a translator)."""
    catalog = load(locale)
    filled = 0
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if not key or key not in translations:
            continue
        value = translations[key]
        if isinstance(message.id, tuple):  # plural: one form per plural of the language
            forms = value if isinstance(value, list) else [value]
            value = tuple((forms * catalog.num_plurals)[: catalog.num_plurals])
        message.string = value
        message.flags.discard("fuzzy")
        filled += 1
    save(catalog, locale)
    return filled


def merge_file(locale: str, path: str) -> int:
    with open(path, encoding="utf-8") as fh:
        return merge(locale, json.load(fh))


def untranslated(catalog: Catalog) -> list[str]:
    result = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or "fuzzy" in message.flags:
            result.append(message.id if isinstance(message.id, str) else message.id[0])
    return result


def compile_catalogs(directory: Path = TRANSLATIONS) -> list[str]:
    done = compile_flask_admin_catalogs(directory)
    for po in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        with mo.open("wb") as fh:
            write_mo(fh, catalog)
        done.append(f"compiled {po.relative_to(directory)}")
    return done


def compile_flask_admin_catalogs(directory: Path = TRANSLATIONS) -> list[str]:
    """Flask-Admin's own messages ("Failed to create record." …) in our languages.

    Flask-Admin 2.2's wheel ships an admin.mo older than its admin.po: the Chinese .mo lacks
    messages the .po translates, and the panel showed them in English. Its .po is compiled
    here, next to ours; the Admin is pointed at this directory (admin.py), which
    Flask-Admin reads before its own."""
    import flask_admin

    source = Path(flask_admin.__file__).parent / "translations"
    done = []
    for locale in LOCALES:
        po = source / locale / "LC_MESSAGES" / "admin.po"
        ours = po_path(locale)
        mo = directory / locale / "LC_MESSAGES" / "admin.mo"
        # Rebuilt when Flask-Admin's catalog, ours or the way they are put together changes.
        inputs = (po, ours, Path(__file__), PACKAGE / "panel" / "stock_wording.py")
        newest = max(p.stat().st_mtime for p in inputs if p.exists())
        if mo.exists() and mo.stat().st_mtime >= newest:
            continue
        catalog = Catalog(locale=locale, charset="utf-8")
        if po.exists():
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
        add_our_wording(catalog, load(locale))
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as fh:
            write_mo(fh, catalog)
        done.append(f"compiled Flask-Admin's {locale} admin.po with our additions")
    return done


def add_our_wording(catalog: Catalog, ours: Catalog) -> None:
    """Into Flask-Admin's catalog: what it lacks (e.g. "Failed to update record. %(error)s")
    from ours, where its own translation wins; its words that read wrong for an office
    (panel/stock_wording.py) in ours; and its page-size options, whose msgids no catalog
    holds ("25 item" / "25 items")."""
    from admin_app.panel.stock_wording import PAGE_SIZE, PAGE_SIZE_OPTIONS, REWORDED

    for message in ours:
        theirs = catalog.get(message.id) if message.id else None
        if not (message.id and message.string):
            continue
        if theirs is None:
            catalog.add(message.id, message.string)
        elif not theirs.string or message.id in REWORDED:
            theirs.string = message.string  # add() would keep the string it has
    page_size = ours.get(PAGE_SIZE)
    text = page_size.string if page_size is not None and page_size.string else PAGE_SIZE
    for size in PAGE_SIZE_OPTIONS:
        catalog.add((f"{size} item", f"{size} items"), (text % {"num": size},) * 2)
