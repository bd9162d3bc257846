"""Form fields and validators used by several views."""

from __future__ import annotations

from flask_babel import gettext
from flask_login import current_user
from wtforms import PasswordField, StringField
from wtforms.validators import ValidationError

from .. import validation


class SensitiveField(StringField):
    """Write-only: the stored value is never sent to the browser; blank keeps it."""

    def process_data(self, value):
        self.data = ""

    def populate_obj(self, obj, name):
        if self.data:
            setattr(obj, name, self.data)


def id_document(form, field):
    if field.data and not validation.is_valid_id_document(field.data):
        raise ValidationError(gettext("This ID number is not valid (check the last character)."))


def phone_number(form, field):
    """Accepts +86, spaces and dashes; stores the digits."""
    if not field.data:
        return
    normalised = validation.normalise_phone(field.data)
    if not validation.is_phone(normalised):
        raise ValidationError(
            gettext("Enter a mainland mobile number (11 digits) or a landline with its area code.")
        )
    field.data = normalised


def estate_options():
    """The user's own estates, for filters (callable: evaluated per request)."""
    from ..auth.scope import scoped
    from ..extensions import db
    from ..models.estate import Estate

    query = scoped(db.session.query(Estate.id, Estate.name), Estate, current_user)
    return [(str(i), n) for i, n in query.order_by(Estate.name).all()]


class WriteOnlyPasswordField(PasswordField):
    """Read by the view's own handler (hashing); never copied onto the model as is."""

    def populate_obj(self, obj, name):
        pass
