"""Staff accounts: administrators manage them; supervisors and directors may look them up."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField
from wtforms.validators import Optional, ValidationError

from admin_app.models import Trade
from admin_app.panel.base import SecureModelView
from admin_app.panel.forms import WriteOnlyPasswordField, email_address, phone_number
from admin_app.panel.labels import LABELS
from admin_app.panel.lookups import ESTATE_LOOKUP
from admin_app.services import accounts
from admin_app.services.errors import ServiceError


class TradesField(SelectMultipleField):
    """A technician's trades: none is fine, an unknown one is a field error (never saved)."""

    def process_data(self, value):
        self.data = sorted(t.value for t in (value or ()))

    def process_formdata(self, valuelist):
        # An empty option (a cleared select) means "no trade", not a trade named "". Optional()
        # is not used: it stops validation on an empty first value and let "" reach the model.
        super().process_formdata([v for v in valuelist if v.strip()])

    def pre_validate(self, form):
        # WTForms' own "not a valid choice" has no Chinese; the office reads ours.
        known = {value for value, _ in self.choices}
        unknown = [value for value in self.data or () if value not in known]
        if unknown:
            raise ValidationError(
                _("%(value)s is not one of the trades: choose from the list.", value=unknown[0])
            )


class StaffView(SecureModelView):
    resource = "staff"
    column_labels = LABELS
    column_list = (
        "username",
        "name",
        "role",
        "phone",
        "estates",
        "all_estates",
        "active",
        "last_login_at",
    )
    column_details_list = column_list + ("email", "trades", "created_at")
    column_searchable_list = ("username", "name", "phone")
    column_search_modes = {"phone": "phone"}
    column_sortable_list = ("username", "name", "role", "last_login_at")
    column_default_sort = "username"
    column_filters = ("role", "active", "all_estates")
    column_formatters = {
        "trades": lambda v, c, m, n: ", ".join(str(t.label) for t in sorted(m.trades)),
        "estates": lambda v, c, m, n: ", ".join(e.name for e in m.estates),
    }
    column_formatters_detail = column_formatters
    form_columns = (
        "username",
        "name",
        "phone",
        "email",
        "role",
        "estates",
        "all_estates",
        "trades",
        "active",
        "password",
    )
    form_extra_fields = {
        "trades": TradesField(_l("Trades"), choices=Trade.choices),
        "password": WriteOnlyPasswordField(
            _l("Password"),
            validators=[Optional()],
            description=_l("At least 8 characters. Leave blank to keep the current password."),
        ),
    }
    form_args = {
        "phone": {"validators": [phone_number]},
        "email": {"validators": [Optional(), email_address]},
    }
    form_ajax_refs = {"estates": ESTATE_LOOKUP}
    integrity_messages = ((("username",), _l("This username is taken.")),)

    def on_model_change(self, form, model, is_created):
        model.username = (model.username or "").strip().lower()
        password = form.password.data
        if is_created and not password:
            raise ServiceError(_l("A new account needs a password."))
        if password:
            accounts.check_password_strength(password)
            model.set_password(password)
        if model.all_estates and model.role.value not in ("admin", "director"):
            raise ServiceError(_l("Only directors and administrators may span all estates."))
        self.check_staff_estates(model)

    def check_staff_estates(self, model):
        from flask_login import current_user

        from admin_app.auth.scope import estate_allowed

        for estate in model.estates:
            if not estate_allowed(current_user, estate.id):
                raise ServiceError(_l("You may only keep records of your own estates."))
        if model.all_estates and not current_user.all_estates:
            raise ServiceError(_l("Only a company-wide administrator may grant all estates."))
