"""Flask-Admin's private members, used here and nowhere else in the panel.

Flask-Admin 2.x has no public hook for these: the list's search, filters, sorting and paging
steps (the fast listing replaces `get_list`), the endpoint check before every view, the scoped
ajax loader, list actions added per view, the export's columns and choices. Each is wrapped
here under a name that says what it does. `tests/panel/test_flask_admin_private.py` checks
every one of them against the installed Flask-Admin, so an upgrade that renames or reshapes
one fails there, loudly, instead of somewhere in a page.
"""

from __future__ import annotations

import flask_admin.actions
import flask_admin.model.base
from flask_admin.base import BaseView
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.model.base import BaseModelView

from admin_app.panel.return_links import return_target

# (owner, method, its parameters after self, if any): what the panel calls or overrides.
METHODS = (
    (BaseView, "_handle_view", ("name", "kwargs")),
    (BaseModelView, "_get_list_extra_args", ()),
    (BaseModelView, "_get_column_by_idx", ("idx",)),
    (BaseModelView, "_on_model_change", ("form", "model", "is_created")),
    (BaseModelView, "_get_filter_groups", ()),
    (ModelView, "_create_ajax_loader", ("name", "options")),
    (ModelView, "_apply_search", ("query", "count_query", "joins", "count_joins", "search")),
    (ModelView, "_apply_filters", ("query", "count_query", "joins", "count_joins", "filters")),
    (ModelView, "_apply_sorting", ("query", "joins", "sort_column", "sort_desc")),
    (ModelView, "_apply_pagination", ("query", "page", "page_size")),
    (ModelView, "_get_default_order", ()),
    (AdminModelConverter, "_nullable_common", ("column", "field_args")),
)
# The modules whose views take their return address (`url=`) from Flask-Admin's
# `get_redirect_target`, looked up by that name at each call.
RETURN_TARGET_USERS = (flask_admin.model.base, flask_admin.actions)
# What a ModelView sets up on itself and the panel reads.
INSTANCE_ATTRIBUTES = (
    "_actions",
    "_actions_data",
    "_filters",
    "_search_supported",
    "_auto_joins",
    "_export_columns",
    "_column_choices_map",
    "_sortable_columns",
    "_sortable_joins",
)


class PrivateHooks:
    """Flask-Admin's private steps, overridden once: each hands over to a public-named method
    of the panel's base view (mixed in just above ModelView)."""

    def _handle_view(self, name, **kwargs):
        response = super()._handle_view(name, **kwargs)
        return response if response is not None else self.check_endpoint(name)

    def _create_ajax_loader(self, name, options):
        return self.ajax_loader_for(name, options)

    def _apply_search(self, query, count_query, joins, count_joins, search):
        return self.search_query(query, count_query, joins, count_joins, search)

    def _get_filter_groups(self):
        return self.shown_filter_groups(super()._get_filter_groups)


# ---- reading and running a view's private parts ------------------------------------------------
def list_arguments(view):
    """The list's page, sort, search and filters as the request gives them."""
    return view._get_list_extra_args()


def sort_column(view, index):
    return view._get_column_by_idx(index)


def run_on_model_change(view, form, model, is_created: bool) -> None:
    """The view's on_model_change with Flask-Admin's own wrapping (its signals)."""
    view._on_model_change(form, model, is_created)


def list_filters(view) -> list:
    return view._filters or []


def searchable(view) -> bool:
    return bool(view._search_supported)


def shown_relations(view) -> list:
    """The relations the list shows (loaded with its rows)."""
    return view._auto_joins


def default_order(view) -> list:
    return list(view._get_default_order() or [])


def filtered(view, query, count_query, joins, count_joins, filters):
    return view._apply_filters(query, count_query, joins, count_joins, filters)


def sorted_by(view, query, joins, sort_column, sort_desc):
    return view._apply_sorting(query, joins, sort_column, sort_desc)


def sort_field(view, name):
    """(the column a sortable column sorts by, the joins it needs): (None, None) if unknown."""
    if name not in view._sortable_columns:
        return None, None
    return view._sortable_columns[name], view._sortable_joins.get(name)


def paged(view, query, page, page_size):
    return view._apply_pagination(query, page, page_size)


def export_columns(view) -> list:
    return view._export_columns


def column_choices(view, name: str) -> dict:
    return view._column_choices_map.get(name) or {}


def add_list_action(view, name: str, label, handler) -> None:
    """A list action (the dropdown over ticked rows) added by a view for itself."""
    view._actions.append((name, label))
    view._actions_data[name] = (handler, label, None)


def has_list_action(view, name: str) -> bool:
    return name in view._actions_data


def nullable_common(converter, column, field_args) -> None:
    """Flask-Admin's handling of a nullable column's field (Optional, or InputRequired)."""
    converter._nullable_common(column, field_args)


def registered_views(admin) -> list:
    """Every screen added to the Admin, in the order they were added."""
    return list(admin._views)


def admin_messages_only_from(directory: str) -> None:
    """Flask-Admin's messages read from our build of its catalog alone. Flask-Babel merges
    the catalog in Flask-Admin's own directory after the Admin's translations_path, so its
    translations would win over our wording; ours holds every one of its messages
    (translations_build.compile_flask_admin_catalogs), so its directory is left out."""
    from flask_admin.babel import domain

    domain._translation_directories = [directory]


def filter_by_arg(view, arg: str):
    """The list filter a URL argument names ("status_equals" of flt0_status_equals), or None."""
    found = (view._filter_args or {}).get(arg)
    return found[1] if found else None


# ---- the return address of Flask-Admin's own views --------------------------------------------
def use_strict_return_targets() -> None:
    """Flask-Admin's create, edit, details, delete, export and list-action views read `url=`
    through `get_redirect_target`, whose check keeps `http:evil.com` and an encoded `/%2F/…`.
    It has no hook, so the name those modules call is pointed at the panel's one check
    (admin_app.panel.return_links); each view keeps its own fallback, the list."""
    for module in RETURN_TARGET_USERS:
        if not callable(getattr(module, "get_redirect_target", None)):
            raise RuntimeError(f"{module.__name__} has no get_redirect_target: see {__name__}")
        module.get_redirect_target = return_target


use_strict_return_targets()
