"""List rows and the menu written out in Python.

Jinja renders a list cell through three nested blocks and a macro lookup, and the menu through
a permission check per view: on a 25-row page that was most of the time the server spent, more
than the page's queries. The HTML is the same as Flask-Admin's templates produce.
"""

from __future__ import annotations

from flask import current_app, request
from flask_admin.babel import gettext  # Flask-Admin's own catalogue, as its templates use
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from jinja2.filters import do_urlencode
from markupsafe import Markup, escape


class RowRenderer:
    """Called once per row by list.html; everything that is the same for every row of the page
    (links, titles, the CSRF token) is worked out once, here."""

    def __init__(self, view, context, list_columns, return_url, with_checkbox, with_delete):
        self.view = view
        self.context = context
        self.columns = [(name, escape(name)) for name, _ in list_columns]
        # Columns edited in place (x-editable): each row's cell is its list form's widget.
        self.editable = set(view.column_editable_list or ())
        self.list_forms = context.get("list_forms") or {}
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
        form = self.list_forms[pk]
        token = form.csrf_token._value() if getattr(form, "csrf_token", None) else generate_csrf()
        return form[name](pk=pk, display_value=value, csrf=token)


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
