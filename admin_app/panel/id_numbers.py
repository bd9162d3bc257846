"""The full ID number on purpose: shown on a record's page or exported with a list, to the
roles the permissions table names (`<resource>.show_id_number`, `.export_id_number`), each
time written to the history (services/id_numbers.py). Everywhere else it stays masked."""

from __future__ import annotations

from flask import abort, g, request, url_for
from flask_admin import expose
from flask_login import current_user

from admin_app.auth.permissions import may
from admin_app.extensions import db
from admin_app.panel import flask_admin_private as private
from admin_app.services import id_numbers


def masked_or_full(view, context, model, name):
    """The export cell of `id_number_masked`: full only in an export asked for as such."""
    return model.id_number if g.get("full_id_numbers") else model.id_number_masked


class FullIdNumberMixin:
    def may_show_id_number(self, model=None) -> bool:
        allowed = may(current_user, f"{self.resource}.show_id_number")
        return allowed and (model is None or bool(model.id_number_enc))

    def may_export_id_numbers(self) -> bool:
        return self.can_export and may(current_user, f"{self.resource}.export_id_number")

    @expose("/id-number/", methods=("POST",))
    def id_number_view(self):
        if not self.may_show_id_number():
            abort(403)
        model = self.get_one(request.form.get("id", type=int))  # within the user's estates
        if model is None:
            abort(404)
        number = id_numbers.show(model, current_user)
        db.session.commit()
        return self.render(
            "admin/wuye/id_number.html",
            model=model,
            number=number,
            return_url=url_for(".details_view", id=model.id),
        )

    @expose("/export/<export_type>/")
    def export(self, export_type):
        if request.args.get("id_numbers") != "full":
            return super().export(export_type)
        if not self.may_export_id_numbers() or export_type not in self.export_types:
            abort(403)
        id_numbers.record_export(self.model.__tablename__, self._export_selection(), current_user)
        db.session.commit()
        g.full_id_numbers = True
        return super().export(export_type)

    def _export_selection(self) -> list[tuple[int, int | None]]:
        """(id, estate_id) of every record whose full number the export will hold: the list's
        filter and search."""
        view_args = private.list_arguments(self)
        _, query = self.get_list(
            None,
            None,
            view_args.sort_desc,
            view_args.search,
            view_args.filters,
            execute=False,
            page_size=0,
            with_count=False,
        )
        model = self.model
        holding = query.filter(model.id_number_enc.is_not(None))  # records without one: nothing
        return [
            tuple(row) for row in holding.with_entities(model.id, model.estate_id).order_by(None)
        ]
