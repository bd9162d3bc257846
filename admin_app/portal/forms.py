"""The residents' pages' forms (every one carries the CSRF token, as FlaskForm does)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from admin_app.panel.forms import CleanForm


class PhoneForm(CleanForm):
    phone = StringField(
        _l("Mobile phone number"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )


class CodeForm(CleanForm):
    phone = HiddenField()
    code = StringField(
        _l("Code from the text message"),
        validators=[DataRequired(), Regexp(r"^\s*\d{6}\s*$", message=_l("Enter the 6 digits."))],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 8},
    )


class HouseholdForm(CleanForm):
    resident = RadioField(_l("Which home?"), coerce=int, validators=[DataRequired()])
