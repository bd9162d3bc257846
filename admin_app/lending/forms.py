"""The lending form at the gate: which item, for which unit, who, and a number to call."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length, Optional

from admin_app.lending.operations import NAME_MAX
from admin_app.panel.forms import CleanForm


class LendForm(CleanForm):
    # Choices: the items with one left in the box, set by the page.
    item = RadioField(
        _l("What"), coerce=int, validators=[DataRequired(message=_l("Choose what is lent."))]
    )
    unit = StringField(_l("Unit"), validators=[DataRequired(), Length(max=50)])
    borrower_name = StringField(
        _l("Borrower's name"), validators=[DataRequired(), Length(max=NAME_MAX)]
    )
    phone = StringField(
        _l("Phone (optional)"),
        validators=[Optional(), Length(max=30)],
        description=_l("To call if it is not back in time."),
    )
