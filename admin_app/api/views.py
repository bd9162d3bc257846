"""The admins' screen of integration tokens: make one (its secret shown once, on the page
that follows), change its estates and scopes, revoke it; see when each was last used."""

from __future__ import annotations

from flask import flash, request
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectMultipleField, widgets
from wtforms.validators import ValidationError

from admin_app import validation
from admin_app.api import tokens
from admin_app.extensions import db
from admin_app.models import ApiToken
from admin_app.panel.base import SecureModelView
from admin_app.panel.labels import LABELS
from admin_app.panel.lookups import ESTATE_LOOKUP
from admin_app.services.errors import ServiceError


class ScopesField(SelectMultipleField):
    """The scopes as checkboxes; at least one."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        known = set(tokens.SCOPES)
        if not self.data:
            raise ValidationError(gettext("Choose at least one scope."))
        if any(value not in known for value in self.data):
            raise ValidationError(gettext("Choose scopes from the list."))


def scope_list(view, context, model, name) -> str:
    return ", ".join(model.scopes or ())


class ApiTokenView(SecureModelView):
    resource = "api_token"
    column_labels = {
        **LABELS,
        "name": _l("Integration"),
        "prefix": _l("Token begins"),
        "scopes": _l("Scopes"),
        "estates": _l("Estates"),
        "revoked_at": _l("Revoked at"),
        "last_used_at": _l("Last used at"),
        "created_by": _l("Created by"),
    }
    column_list = (
        "name",
        "prefix",
        "scopes",
        "estates",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    column_details_list = (*column_list, "created_by")
    column_sortable_list = ("name", "created_at", "last_used_at", "revoked_at")
    column_default_sort = ("created_at", True)
    column_searchable_list = ("name",)
    column_formatters = {
        "scopes": scope_list,
        "estates": lambda v, c, m, n: ", ".join(e.name for e in m.estates),
    }
    column_formatters_detail = column_formatters
    form_columns = ("name", "estates", "scope_list")
    form_extra_fields = {
        "scope_list": ScopesField(
            _l("Scopes"), choices=[(key, label) for key, label in tokens.SCOPES.items()]
        )
    }
    form_ajax_refs = {"estates": ESTATE_LOOKUP}
    integrity_messages = ((("name",), _l("Another integration already has this name.")),)

    def scope(self, query):
        """An admin of some estates sees the tokens that reach only those estates."""
        from sqlalchemy import exists

        from admin_app.auth.scope import estate_ids
        from admin_app.models import api_token_estate

        ids = estate_ids(current_user)
        if ids is None:
            return query
        outside = exists().where(
            api_token_estate.c.token_id == ApiToken.id, api_token_estate.c.estate_id.notin_(ids)
        )
        return query.filter(~outside)

    def on_form_prefill(self, form, id):
        record = self.get_one(id)
        form.scope_list.data = list(record.scopes or ())

    def on_model_change(self, form, model, is_created):
        model.scopes = sorted(form.scope_list.data or ())
        super().on_model_change(form, model, is_created)
        from admin_app.auth.scope import estate_allowed

        for estate in model.estates:
            if not estate_allowed(current_user, estate.id):
                raise ServiceError(_l("You may only keep records of your own estates."))
        if is_created:
            model.plain_secret = tokens.issue(model, current_user)
        elif not model.estates:
            raise ServiceError(_l("Choose the estates this integration may use."))

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        """Saved, the token's secret is shown on the next page, once: only its digest is kept."""
        if request.method == "POST":
            form = self.create_form()
            if self.validate_form(form):
                model = self.create_model(form)
                if model:
                    return self.render(
                        "api/token_created.html",
                        record=model,
                        secret=model.plain_secret,
                        list_url=self.get_url(".index_view"),
                    )
                return super().create_view()
        return super().create_view()

    @action("revoke", _l("Revoke"), _l("Revoke the chosen tokens? Their systems stop at once."))
    def revoke_action(self, ids):
        count = 0
        ids = [i for i in (validation.record_id(raw) for raw in ids) if i is not None]
        try:
            for record in self.scope(db.session.query(ApiToken)).filter(ApiToken.id.in_(ids)):
                if record.revoked_at is None:
                    tokens.revoke(record, current_user)
                    count += 1
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            flash(str(error), "error")
            return
        flash(gettext("%(num)d token(s) revoked.", num=count), "success")
