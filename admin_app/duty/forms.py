"""Forms of the duty pages: each holds only what its step needs (the verbs check the rest)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields import DateField, DateTimeLocalField, TimeField
from wtforms.validators import InputRequired, Length, Optional

from admin_app.duty.operations import TEXT_MAX
from admin_app.panel.forms import CleanForm

TEXT = [InputRequired(), Length(max=TEXT_MAX)]


class EntryForm(CleanForm):
    text = TextAreaField(_l("What happened"), validators=TEXT)
    at = TimeField(_l("Time"), validators=[Optional()], description=_l("Blank: now."))


class HandOverForm(CleanForm):
    note = TextAreaField(
        _l("Hand-over note for the next shift"),
        validators=TEXT,
        description=_l("What is still open, what the next person must watch or do."),
    )


class SwapForm(CleanForm):
    colleague = SelectField(
        _l("Colleague who takes the shift"),
        coerce=int,
        validate_choice=False,  # the verb checks the colleague works at the estate
        validators=[InputRequired()],
    )
    reason = TextAreaField(_l("Why you need the swap"), validators=TEXT)


class RefuseForm(CleanForm):
    reason = TextAreaField(_l("Why the swap is refused"), validators=TEXT)


class ShiftForm(CleanForm):
    staff = SelectField(
        _l("On duty"), coerce=int, validate_choice=False, validators=[InputRequired()]
    )
    starts_at = DateTimeLocalField(
        _l("From"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()]
    )
    ends_at = DateTimeLocalField(_l("To"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    holds_phone = BooleanField(_l("Holds the duty phone"))


class HolidayForm(CleanForm):
    name = StringField(_l("Holiday"), validators=[InputRequired(), Length(max=80)])
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])
