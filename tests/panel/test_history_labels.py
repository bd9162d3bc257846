"""Every field history records, of every kind of record, is named in the reader's language on
the history list (and on the record's own page, which reads it the same way): none shows as
its column name ("unit_labour", "price_item_id") or as Flask-Admin's name made from it."""

from __future__ import annotations

import re
from types import SimpleNamespace

from flask_babel import force_locale
from sqlalchemy import inspect

from admin_app import translations_build as tb
from admin_app.extensions import db
from admin_app.panel.flask_admin_private import registered_views
from admin_app.panel.labels import RECORD_TYPES
from admin_app.services import history
from admin_app.views.audit import changes_in_words

CJK = re.compile(r"[\u4e00-\u9fff]")


def audited_models() -> list:
    """The kinds of record with history rows of their own (a part, such as an attachment, is
    written in its record's history as one line)."""
    return [
        mapper.class_
        for mapper in db.Model.registry.mappers
        if getattr(mapper.class_, "__tablename__", None) not in (None, *history.NOT_AUDITED_TABLES)
        and not hasattr(mapper.class_, "record_key")
    ]


def recorded_fields(model) -> list[str]:
    """The columns history writes for the model, and the collections it names the members of
    (history.py: `_changes`)."""
    excluded = history.ALWAYS_EXCLUDED | getattr(model, "__audit_exclude__", frozenset())
    mapper = inspect(model)
    columns = [a.key for a in mapper.column_attrs if a.key not in excluded | {"id"}]
    collections = [
        r.key
        for r in mapper.relationships
        if r.uselist and not r.viewonly and history.names_members(r.mapper.class_)
    ]
    return columns + collections


def history_labels(app, locale: str) -> dict[tuple[str, str], str]:
    view = next(
        v
        for admin in app.extensions["admin"]
        for v in registered_views(admin)
        if getattr(v, "endpoint", None) == "audit_record"
    )
    labels = {}
    with app.test_request_context("/admin/"), force_locale(locale):
        for model in audited_models():
            table = model.__tablename__
            for field in recorded_fields(model):
                record = SimpleNamespace(entity_type=table, changes={field: [None, None]})
                [(label, _, _)] = changes_in_words(view, record)
                labels[(table, field)] = str(label)
    return labels


def test_every_field_history_records_has_a_chinese_label(app):
    labels = history_labels(app, "zh_Hans_CN")
    assert ("quote_line", "unit_labour") in labels
    assert [f"{t}.{f}: {label}" for (t, f), label in labels.items() if not CJK.search(label)] == []


def test_every_field_history_records_has_an_english_label_of_ours(app):
    ours = {m.id for m in tb.load("en") if m.id and m.string}
    labels = history_labels(app, "en")
    assert [f"{t}.{f}: {label}" for (t, f), label in labels.items() if label not in ours] == []


def test_a_unit_of_measure_is_not_called_an_apartment(app):
    """`unit` is a flat (房屋) on most records, the unit a price is charged by on a price or a
    quote line."""
    labels = history_labels(app, "zh_Hans_CN")
    assert labels[("quote_line", "unit")] == labels[("price_item", "unit")] == "计价单位"
    assert labels[("work_order", "unit_id")] == "房屋"


def test_every_kind_of_record_history_names_has_a_name_in_both_languages(app):
    """The history list's "Record type" column and filter name each kind, never its table."""
    ours = {m.id for m in tb.load("en") if m.id and m.string}
    tables = [model.__tablename__ for model in audited_models()]
    named = {}
    for locale in ("zh_Hans_CN", "en"):
        with app.test_request_context("/admin/"), force_locale(locale):
            named[locale] = {t: str(RECORD_TYPES[t]) for t in tables if t in RECORD_TYPES}
    assert [t for t in tables if not CJK.search(named["zh_Hans_CN"].get(t, ""))] == []
    assert [t for t in tables if named["en"].get(t) not in ours] == []
