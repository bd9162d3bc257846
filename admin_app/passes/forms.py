"""Forms for the pass steps (the parameters each verb needs)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import InputRequired, Optional

from admin_app.panel.dates import DateField, start_choices, validity_choices
from admin_app.panel.fields import date_within
from admin_app.panel.forms import CleanForm


class ApproveForm(CleanForm):
    valid_from = DateField(
        _l("Valid from"), validators=[Optional(), date_within], quick=start_choices
    )
    valid_until = DateField(
        _l("Valid until"),
        validators=[Optional(), date_within],
        quick=validity_choices,
        description=_l(
            "Blank: as applied for, else a worker pass until the permit ends, a vehicle pass "
            "for one month, a release on its moving date."
        ),
    )


class RenewForm(CleanForm):
    valid_until = DateField(
        _l("New last day of validity"),
        validators=[InputRequired(), date_within],
        quick=validity_choices,
    )


class OwnerConfirmationForm(CleanForm):
    owner = SelectField(
        _l("Owner who confirmed"),
        coerce=int,
        validate_choice=False,  # the service checks the owner belongs to the unit
        validators=[InputRequired()],
        description=_l("The owner agreed (by phone, in person or in writing) to this release."),
    )
