"""Every column a screen shows (its list, its details, its forms) has a label of its own, in
Chinese on a Chinese page: none falls back to Flask-Admin's name made from the code
("Updated At", "Pass Id")."""

from __future__ import annotations

import re

from flask_admin.model import BaseModelView
from flask_babel import force_locale

from admin_app.panel.flask_admin_private import registered_views

CJK = re.compile(r"[\u4e00-\u9fff]")
# Form fields a person never reads: the CSRF token and hidden values.
UNSEEN_FIELDS = ("CSRFTokenField", "HiddenField")


def model_views(app) -> list:
    return [
        view
        for admin in app.extensions["admin"]
        for view in registered_views(admin)
        if isinstance(view, BaseModelView)
    ]


def unlabelled_columns(view) -> list[str]:
    labels = view.column_labels or {}
    shown = [("list", view.get_list_columns())]
    if view.can_view_details:
        shown.append(("details", view.get_details_columns()))
    return [
        f"{view.endpoint} {where}: {name} ({label})"
        for where, columns in shown
        for name, label in columns
        if name not in labels or not CJK.search(str(label))
    ]


def unlabelled_fields(view) -> list[str]:
    forms = []
    if view.can_create:
        forms.append(("create", view.get_create_form()))
    if view.can_edit:
        forms.append(("edit", view.get_edit_form()))
    return [
        f"{view.endpoint} {where}: {field.name} ({field.label.text})"
        for where, form_class in forms
        for field in form_class()
        if field.type not in UNSEEN_FIELDS and not CJK.search(str(field.label.text))
    ]


def test_every_screen_has_a_model_view_to_check(app):
    endpoints = {view.endpoint for view in model_views(app)}
    assert {"ticket", "work_order", "unit", "estate", "gate_check", "audit_record"} <= endpoints


def test_every_column_of_lists_and_details_has_a_chinese_label(app):
    with app.test_request_context("/admin/"), force_locale("zh_Hans_CN"):
        missing = [text for view in model_views(app) for text in unlabelled_columns(view)]
    assert missing == []


def test_every_form_field_has_a_chinese_label(app):
    with app.test_request_context("/admin/"), force_locale("zh_Hans_CN"):
        missing = [text for view in model_views(app) for text in unlabelled_fields(view)]
    assert missing == []
