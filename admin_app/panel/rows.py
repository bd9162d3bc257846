"""List rows and the menu written out in Python, and static files' URLs built once.

Jinja renders a list cell through three nested blocks and a macro lookup, and the menu through
a permission check per view: on a 25-row page that was most of the time the server spent, more
than the page's queries. The HTML is the same as Flask-Admin's templates produce.
"""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_admin.babel import gettext  # Flask-Admin's own catalogue, as its templates use
from flask_admin.model.widgets import XEditableWidget
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from jinja2.filters import do_urlencode
from markupsafe import Markup, escape

from admin_app.panel.html_attributes import html_params


class RowRenderer:
    """Called once per row by list.html; everything that is the same for every row of the page
    (links, titles, the CSRF token) is worked out once, here."""

    def __init__(self, view, context, list_columns, return_url, with_checkbox, with_delete):
        self.view = view
        self.context = context
        self.columns = [(name, escape(name)) for name, _ in list_columns]
        # Columns edited in place (x-editable), each written by an EditableCell where its
        # field allows, else by its widget on a form of the row.
        self.editable = set(view.column_editable_list or ())
        self.cells = _editable_cells(view) if self.editable else {}
        self.checkbox_title = escape(gettext("Select record"))
        self.with_checkbox = with_checkbox
        back = escape(do_urlencode(return_url))
        links = []
        if view.can_view_details:
            links.append((view.get_url(".details_view"), back, gettext("View Record"), "eye"))
        if view.can_edit:
            links.append((view.get_url(".edit_view"), back, gettext("Edit Record"), "pencil"))
        self.links = [(escape(url), b, escape(title), icon) for url, b, title, icon in links]
        self.delete = None
        if with_delete:
            self.delete = (
                escape(view.get_url(".delete_view")),
                escape(return_url),
                escape(generate_csrf()),
                escape(gettext("Are you sure you want to delete this record?")),
                escape(gettext("Delete Record")),
            )
        self.show_actions = view.column_display_actions

    def __call__(self, row) -> Markup:
        pk = escape(self.view.get_pk_value(row))
        html = []
        if self.with_checkbox:
            html.append(
                f'<td><input type="checkbox" name="rowid" class="action-checkbox" value="{pk}" '
                f'title="{self.checkbox_title}" aria-label="{self.checkbox_title} #{pk}" /></td>'
            )
        if self.show_actions:
            html.append('<td class="list-buttons-column">')
            for url, back, title, icon in self.links:
                html.append(
                    f'<a class="icon" href="{url}?id={pk}&url={back}" title="{title}">'
                    f'<span class="fa fa-{icon} glyphicon glyphicon-{_glyph(icon)}"></span></a>'
                )
            if self.delete:
                url, back, token, question, title = self.delete
                html.append(
                    f'<form class="icon" method="POST" action="{url}">'
                    f'<input type="hidden" name="id" value="{pk}">'
                    f'<input type="hidden" name="url" value="{back}">'
                    f'<input type="hidden" name="csrf_token" value="{token}">'
                    f'<button data-confirm="{question}" title="{title}">'
                    '<span class="fa fa-trash glyphicon glyphicon-trash">'
                    "</span></button></form>"
                )
            html.append("</td>")
        for name, css in self.columns:
            value = self.view.get_list_value(self.context, row, name)
            if name in self.editable:
                value = self._editable(row, name, value)
            html.append(f'<td class="col-{css}">{escape(value if value is not None else "")}</td>')
        return Markup("".join(html))  # noqa: S704 - every value in it went through escape()

    def _editable(self, row, name, value):
        pk = self.view.get_pk_value(row)
        if name in self.cells:
            return self.cells[name](pk, value, getattr(row, name, None))
        form = self.view.editor_form(row)
        return form[name](pk=pk, display_value=value, csrf=_token(form))


# Field types whose x-editable attributes are the same on every row (XEditableWidget.get_kwargs
# reads nothing of the row's value for them).
ROW_FREE_TYPES = frozenset(
    {
        "StringField",
        "TextAreaField",
        "SelectField",
        "Select2Field",
        "IntegerField",
        "FloatField",
        "DecimalField",
    }
)
ROW_KEYS = ("data-pk", "data-value")


class EditableCell:
    """A column's in-place editor, the HTML Flask-Admin's XEditableWidget writes: its
    attributes in html_params' (sorted) order, all but the row's id and value rendered once per
    page. Per row, the widget built a form and sorted and escaped a dozen attributes, which
    was a fifth of the unit list's time.

    One difference: a choice's editor is given the stored value ("rented"), where the widget
    gave the label shown ("出租"), which matches none of the choices — the editor opened
    with nothing selected."""

    def __init__(self, field, token: str):
        self.choice = field.type in ("SelectField", "Select2Field")
        attributes = {
            "data-role": "x-editable",
            "data-url": "./ajax/update/",
            "id": field.id,
            "name": field.name,
            "href": "#",
            "data-csrf": token,
        }
        attributes = field.widget.get_kwargs(field, attributes)
        attributes.update(dict.fromkeys(ROW_KEYS))
        self.parts = [
            key if key in ROW_KEYS else html_params(**{key: attributes[key]})
            for key in sorted(attributes)
        ]
        self.parts = [part for part in self.parts if part]  # html_params leaves False out

    def __call__(self, pk, display, stored=None) -> Markup:
        value = display
        if self.choice:
            value = "" if stored is None else getattr(stored, "value", stored)
        row = {"data-pk": escape(str(pk)), "data-value": escape(value)}
        attributes = " ".join(
            f'{part}="{row[part]}"' if part in ROW_KEYS else part for part in self.parts
        )
        return Markup(f"<a {attributes}>{escape(display)}</a>")  # noqa: S704 - escaped above


def _editable_cells(view) -> dict:
    form = view.editor_form()
    token = _token(form)
    return {
        name: EditableCell(form[name], token)
        for name in view.column_editable_list
        if name in form
        and type(form[name].widget) is XEditableWidget  # a view's own widget writes itself
        and form[name].type in ROW_FREE_TYPES
    }


def _token(form) -> str:
    return form.csrf_token._value() if getattr(form, "csrf_token", None) else generate_csrf()


def _glyph(icon: str) -> str:
    return {"eye": "eye-open"}.get(icon, icon)


@pass_context
def row_renderer(context, view, list_columns, return_url, actions, delete_form):
    return RowRenderer(view, context, list_columns, return_url, bool(actions), bool(delete_form))


def cached_menu(view, render) -> Markup:
    """The menu depends on the role, the language and the page open, nothing else."""
    cache = current_app.extensions.setdefault("wuye_menu", {})
    role = getattr(current_user, "role", None) if current_user.is_authenticated else None
    part = getattr(render, "name", repr(render))  # the macro: menu or menu_links
    key = (part, role, str(get_locale()), request.endpoint, getattr(view, "endpoint", None))
    if key not in cache:
        cache[key] = render()  # a macro's output: already Markup, escaped by Jinja
    return cache[key]


def static_url(endpoint: str, **values) -> str:
    """A static file's URL (Flask-Admin's css and scripts: some twenty a page), built once per
    endpoint, file, version and the prefix the app is mounted under, not on every page."""
    cache = current_app.extensions.setdefault("wuye_static_urls", {})
    key = (endpoint, request.script_root, tuple(sorted(values.items())))
    if key not in cache:
        cache[key] = url_for(endpoint, **values)
    return cache[key]
