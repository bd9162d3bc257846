"""Forms for the pass and renovation actions (the parameters each service verb needs)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from admin_app.services.storage import IMAGE_LIMIT_BYTES
from admin_app.views.forms import CleanForm

NOTES = [Optional(), Length(max=2000)]
REQUIRED_NOTES = [DataRequired(), Length(max=2000)]


class PhotoField(FileField):
    """An image upload read by the view (and stored by the service), never copied onto the
    record as it is."""

    def populate_obj(self, obj, name):
        pass


def read_upload(field) -> bytes | None:
    """The uploaded file's bytes (one byte over the limit, so storage can refuse it)."""
    upload = field.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    return upload.read(IMAGE_LIMIT_BYTES + 1)


class ApproveForm(CleanForm):
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_until = DateField(
        _l("Valid until"),
        validators=[Optional()],
        description=_l(
            "Blank: as applied for, else a worker pass until the permit ends, a vehicle pass "
            "for one month, a release on its moving date."
        ),
    )


class RenewForm(CleanForm):
    valid_until = DateField(_l("New last day of validity"), validators=[InputRequired()])


class OwnerConfirmationForm(CleanForm):
    owner = SelectField(
        _l("Owner who confirmed"),
        coerce=int,
        validate_choice=False,  # the service checks the owner belongs to the unit
        validators=[InputRequired()],
        description=_l("The owner agreed (by phone, in person or in writing) to this release."),
    )
