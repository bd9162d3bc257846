"""The residents' pages' forms (every one carries the CSRF token, as FlaskForm does)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

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


class ReportForm(CleanForm):
    category = RadioField(
        _l("What would you like to tell us?"),
        choices=[
            ("repair", _l("Something needs repairing")),
            ("complaint", _l("A complaint")),
            ("suggestion", _l("A suggestion")),
        ],
        default="repair",
        validators=[DataRequired()],
    )
    trade = SelectField(
        _l("What needs repairing?"),
        choices=[
            ("", _l("Not sure / something else")),
            ("plumbing", _l("Water, leaks, drains")),
            ("electrical", _l("Power, lights, sockets")),
            ("carpentry", _l("Doors, windows, furniture")),
            ("locks", _l("Locks")),
            ("appliances", _l("Appliances")),
        ],
        default="",
        validators=[Optional()],
    )
    emergency = BooleanField(_l("Urgent: water leaking, no power, or danger"))
    location = StringField(_l("Where exactly?"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("What happened?"), validators=[DataRequired(), Length(max=2000)])
    preferred_time = DateTimeLocalField(
        _l("When may we come? (optional)"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
    )
    photos = MultipleFileField(_l("Photos (up to 3)"), render_kw={"accept": "image/*"})


class QuoteForm(CleanForm):
    """Accept or refuse: the button pressed says which."""
