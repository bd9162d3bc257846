"""Forms for the home-visit steps (the parameters each verb needs)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from admin_app.panel.dates import DateTimeField, appointment_choices, now_choice
from admin_app.panel.fields import date_within
from admin_app.panel.forms import NOTES, REQUIRED_NOTES, CleanForm


class AgreeForm(CleanForm):
    appointment_at = DateTimeField(
        _l("Appointment agreed with the applicant"),
        validators=[InputRequired(), date_within],
        quick=appointment_choices,
        description=_l("Home visits are made during office hours."),
    )
    materials = TextAreaField(
        _l("What the applicant must have ready"),
        validators=NOTES,
        description=_l("Tell everything needed at once, so the applicant need not ask twice."),
    )


class RefuseForm(CleanForm):
    reason = TextAreaField(_l("Reason given to the applicant"), validators=REQUIRED_NOTES)


class CallOffForm(CleanForm):
    told_whom = StringField(
        _l("Told whom"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("The applicant, or who took the message for them."),
    )
    told_at = DateTimeField(
        _l("Told at"),
        validators=[Optional(), date_within],
        quick=now_choice,
        description=_l("At least 8 hours before the visit; empty means now."),
    )
    reason = TextAreaField(_l("Reason given to the applicant"), validators=REQUIRED_NOTES)


class OutcomeForm(CleanForm):
    notes = TextAreaField(_l("Notes"), validators=NOTES)
