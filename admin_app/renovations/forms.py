"""Forms for the renovation steps (the parameters each verb needs)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TextAreaField
from wtforms.validators import InputRequired

from admin_app.panel.dates import DateField
from admin_app.panel.fields import date_within
from admin_app.panel.forms import NOTES, REQUIRED_NOTES, CameraPhotoField, CleanForm


class RectificationForm(CleanForm):
    notes = TextAreaField(_l("What the applicant must correct"), validators=REQUIRED_NOTES)


class ResubmitForm(CleanForm):
    note = TextAreaField(_l("What was corrected"), validators=NOTES)


class PermitForm(CleanForm):
    valid_until = DateField(_l("Permit valid until"), validators=[InputRequired(), date_within])
    agreement_signed = BooleanField(_l("The management agreement is signed"))
    deposit_received = BooleanField(_l("The deposit is received"))


class PatrolForm(CleanForm):
    notes = TextAreaField(_l("Notes"), validators=NOTES)
    photo = CameraPhotoField(_l("Photo"))


class ViolationForm(CleanForm):
    notes = TextAreaField(
        _l("Violation found"),
        validators=REQUIRED_NOTES,
        description=_l("The work stops and the worker passes are suspended until corrected."),
    )
    photo = CameraPhotoField(_l("Photo"))


class CorrectionForm(CleanForm):
    notes = TextAreaField(_l("How the violation was corrected"), validators=REQUIRED_NOTES)
    photo = CameraPhotoField(_l("Photo"))


class FailedInspectionForm(CleanForm):
    notes = TextAreaField(_l("What must be rectified"), validators=REQUIRED_NOTES)
    photo = CameraPhotoField(_l("Photo"))
