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


# Flask-Admin looks its own strings up in the "admin" domain, first in the panel's translations
# directory (views/__init__.py), then in its own catalogs. The panel's catalog is compiled under
# that name too, so the few strings Flask-Admin 2.2's own zh_Hans_CN admin.mo lacks ("Failed to
# create record.", "Failed to save record.") are found in ours; its own translations still win.
FLASK_ADMIN_DOMAIN = "admin.mo"


def compile_catalogs(directory: Path = TRANSLATIONS) -> list[str]:
    done = []
    for po in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        targets = [po.with_suffix(".mo")]
        if po.name == "messages.po":
            targets.append(po.with_name(FLASK_ADMIN_DOMAIN))
        stale = [mo for mo in targets if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime]
        if not stale:
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        for mo in stale:
            with mo.open("wb") as fh:
                write_mo(fh, catalog)
        done.append(f"compiled {po.relative_to(directory)}")
    return done
