"""Language negotiation: the user's choice, then their saved preference, then the browser."""

from __future__ import annotations

import contextlib
import functools

from flask import current_app, g, has_request_context, request, session
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI, jobs: the office's default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    # Browsers send zh-CN, zh-Hans, zh; all mean Simplified Chinese here.
    best = request.accept_languages.best_match(["zh-CN", "zh-Hans", "zh", "en"])
    if best is None:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return "en" if best == "en" else "zh_Hans_CN"


@contextlib.contextmanager
def office_language():
    """For the words the panel writes into a record for a staff member's step (a call's
    result, an order's notes, a field report's "URGENT:"): the record is the office's, read
    and printed by everyone, so they are in the office's language (BABEL_DEFAULT_LOCALE),
    whichever language that person reads the panel in. Not for a resident's own report: he
    reads it back, in his language, on his pages."""
    from flask_babel import force_locale

    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        yield


def translated(text) -> str:
    """A lazy label in the request's language, translated once per request: a list page shows
    the same few labels hundreds of times (rows, filters), and each lookup costs."""
    if not has_request_context():
        return str(text)
    cache = g.__dict__.setdefault("_translated_labels", {})
    key = id(text)
    if key not in cache:
        cache[key] = str(text)
    return cache[key]


def per_language(build):
    """Texts that depend on nothing but the page's language (the date picker's and the search
    boxes' words, on every page): worked out once per language and process, not per page."""
    kept: dict = {}

    @functools.wraps(build)
    def in_this_language() -> dict:
        from flask_babel import get_locale

        if not has_request_context():
            return build()
        language = str(get_locale())
        if language not in kept:
            kept[language] = build()
        return kept[language]

    return in_this_language


@per_language
def date_picker_locale() -> dict:
    """The calendar of the panel's date filters and fields in the page's language: its
    buttons and quick ranges translated, day and month names from the locale's own calendar data (CLDR),
    weeks from Monday as in China (the picker otherwise speaks English: "Su Mo Tu", "Apply")."""
    from babel.dates import get_day_names, get_month_names
    from flask_babel import get_locale, gettext

    locale = get_locale()
    # 日 一 二 … in Chinese, as on any Chinese calendar; Su Mo Tu … in English
    days = get_day_names("narrow" if locale.language == "zh" else "short", locale=locale)
    months = get_month_names("abbreviated", locale=locale)  # 1 is January
    return {
        "applyLabel": gettext("Apply"),
        "cancelLabel": gettext("Cancel"),
        "fromLabel": gettext("From"),
        "toLabel": gettext("To"),
        "weekLabel": gettext("Wk"),
        "customRangeLabel": gettext("Custom range"),
        "daysOfWeek": [days[6]] + [days[i] for i in range(6)],  # the picker counts from Sunday
        "monthNames": [months[m] for m in range(1, 13)],
        "firstDay": 1,
        # The lists' range filters' quick choices (read by static/js/date-picker.js).
        "ranges": {
            "today": gettext("Today"),
            "thisWeek": gettext("This week"),
            "thisMonth": gettext("This month"),
        },
    }


@per_language
def select_box_locale() -> dict:
    """Every text of Flask-Admin's search boxes (select2 3.5: the unit, resident and estate
    pickers, the filters' choices) in the page's language; select2 otherwise says "No matches
    found" in English. A text with a count comes as its two English forms ("1 item", "2
    items"), the count written "{n}" for the page to fill in (select-box-locale.js)."""
    from flask_babel import gettext, ngettext

    counted = {
        # Read out to screen readers when the list opens.
        "matches": lambda n: ngettext(
            "One result is available, press Enter to select it.",
            "%(count)s results are available, use the up and down arrow keys to choose.",
            n,
            count="{n}",
        ),
        "inputTooShort": lambda n: ngettext(
            "Please enter %(count)s more character",
            "Please enter %(count)s more characters",
            n,
            count="{n}",
        ),
        "inputTooLong": lambda n: ngettext(
            "Please delete %(count)s character",
            "Please delete %(count)s characters",
            n,
            count="{n}",
        ),
        "selectionTooBig": lambda n: ngettext(
            "You can only select %(count)s item",
            "You can only select %(count)s items",
            n,
            count="{n}",
        ),
    }
    return {
        "noMatches": gettext("No matches found"),
        "searching": gettext("Searching…"),
        "loadMore": gettext("Loading more results…"),
        "loadFailed": gettext("Loading failed"),
        **{key: {"one": text(1), "other": text(2)} for key, text in counted.items()},
    }
