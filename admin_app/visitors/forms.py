"""The forms of the visitor and parcel screen: what the desk or the guard types, no more."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional

from admin_app.panel.forms import CleanForm
from admin_app.visitors import operations as ops

UNIT_HINT = _l("Building, entrance, room: 3-1-601")


class VisitorForm(CleanForm):
    name = StringField(_l("Visitor's name"), validators=[DataRequired(), Length(max=ops.NAME_MAX)])
    phone = StringField(_l("Phone"), validators=[DataRequired(), Length(max=30)])
    unit = StringField(_l("Visiting unit"), validators=[DataRequired(), Length(max=50)])
    host_name = StringField(
        _l("Visiting whom (optional)"), validators=[Optional(), Length(max=ops.NAME_MAX)]
    )
    plate = StringField(_l("Plate (optional)"), validators=[Optional(), Length(max=20)])


class ParcelForm(CleanForm):
    unit = StringField(_l("Unit"), validators=[DataRequired(), Length(max=50)])
    recipient_name = StringField(
        _l("For (resident)"), validators=[DataRequired(), Length(max=ops.NAME_MAX)]
    )
    description = StringField(
        _l("What it is"), validators=[DataRequired(), Length(max=ops.DESCRIPTION_MAX)]
    )
    carrier = StringField(
        _l("Delivered by (optional)"), validators=[Optional(), Length(max=ops.CARRIER_MAX)]
    )
    # Left to the verb: without them it refuses, saying why (call the resident first).
    confirmed_by = StringField(
        _l("Confirmed on the phone by"),
        validators=[Length(max=ops.NAME_MAX)],
        description=_l("Who answered the call and agreed that we sign for it."),
    )
    confirmed_at = DateTimeLocalField(
        _l("Confirmed at"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )


class HandOverForm(CleanForm):
    collected_by = StringField(
        _l("Signed by"), validators=[DataRequired(), Length(max=ops.NAME_MAX)]
    )
    signature = HiddenField(
        validators=[DataRequired(message=_l("The resident has not signed yet."))]
    )
