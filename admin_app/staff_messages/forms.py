"""What the desk types when a caller asks for someone who is out, and the note of its end."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from admin_app.panel.forms import CleanForm
from admin_app.staff_messages import operations as ops


class MessageForm(CleanForm):
    # Asked only of someone working in several estates with a caller not on file (the view
    # removes it otherwise); choices set by the view.
    estate = SelectField(_l("Estate"), coerce=int, validators=[InputRequired()])
    # Choices: the estate's staff (operations.who_may_be_asked_for), set by the view.
    for_staff = SelectField(_l("Message for"), coerce=int, validators=[InputRequired()])
    text = TextAreaField(
        _l("Message"),
        validators=[InputRequired(), Length(max=ops.TEXT_MAX)],
        description=_l("What the caller wants, in their words."),
        render_kw={"rows": 3},
    )
    caller_name = StringField(
        _l("Caller's name"), validators=[Optional(), Length(max=ops.NAME_MAX)]
    )
    caller_phone = StringField(
        _l("Number to call back on"), validators=[Optional(), Length(max=30)]
    )
    call_back = BooleanField(_l("The caller asks to be called back"), default=True)


class DoneForm(CleanForm):
    note = StringField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=ops.NOTE_MAX)],
        description=_l("What came of it: called back, agreed a time …"),
    )
