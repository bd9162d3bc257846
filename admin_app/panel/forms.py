"""Form fields and validators used by several views."""

from __future__ import annotations

import re

from flask_admin.form import BaseForm
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from admin_app import validation
from admin_app.services.storage import IMAGE_LIMIT_BYTES

# Control characters (NUL above all, which PostgreSQL refuses in text) come only from
# scanners, pasted binary or scripts: text fields drop them; tabs and line breaks stay.
# Passwords are only hashed, never stored: they are left as typed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(value):
    return _CONTROL.sub("", value) if isinstance(value, str) else value


class _CleanMeta:
    def bind_field(self, form, unbound_field, options):
        field_class = unbound_field.field_class
        if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
            given = tuple(unbound_field.kwargs.get("filters", ()))
            options = {**options, "filters": (without_control_characters, *given)}
        return unbound_field.bind(form=form, **options)


class CleanForm(FlaskForm):
    """The forms of the panel's own pages (actions, gate, login)."""

    class Meta(_CleanMeta):
        pass


class CleanAdminForm(BaseForm):
    """The record forms of every Flask-Admin view (SecureModelView.form_base_class)."""

    class Meta(_CleanMeta):
        pass


class SensitiveField(StringField):
    """Write-only: the stored value is never sent to the browser; blank keeps it."""

    def process_data(self, value):
        self.data = ""

    def populate_obj(self, obj, name):
        if self.data:
            setattr(obj, name, self.data)


def id_document(form, field):
    if field.data and not validation.is_valid_id_document(field.data):
        raise ValidationError(gettext("This ID number is not valid (check the last character)."))


def phone_number(form, field):
    """Accepts +86, spaces and dashes; stores the digits."""
    if not field.data:
        return
    normalised = validation.normalise_phone(field.data)
    if not validation.is_phone(normalised):
        raise ValidationError(
            gettext("Enter a mainland mobile number (11 digits) or a landline with its area code.")
        )
    field.data = normalised


def email_address(form, field):
    """Checked here, not by WTForms' Email() (which needs a package the panel does not use)."""
    if not field.data:
        return
    field.data = field.data.strip()
    if not validation.is_email(field.data):
        raise ValidationError(gettext("Enter an e-mail address like name@example.com."))


def estate_options():
    """The user's own estates, for filters (callable: evaluated per request): the ones loaded
    with the user, or every estate (one query) for company-wide staff."""
    from admin_app.auth.scope import estate_ids, scoped
    from admin_app.extensions import db
    from admin_app.models.estate import Estate

    if estate_ids(current_user) is not None:
        # In the database's order (code points, as the C collation and SQLite compare).
        mine = sorted(current_user.estates, key=lambda estate: (estate.name, estate.id))
        return [(str(estate.id), estate.name) for estate in mine]
    query = scoped(db.session.query(Estate.id, Estate.name), Estate, current_user)
    return [(str(i), n) for i, n in query.order_by(Estate.name, Estate.id).all()]


class WriteOnlyPasswordField(PasswordField):
    """Read by the view's own handler (hashing); never copied onto the model as is."""

    def populate_obj(self, obj, name):
        pass


# A step's free-text notes: optional, or required.
NOTES = [Optional(), Length(max=2000)]
REQUIRED_NOTES = [DataRequired(), Length(max=2000)]


class PhotoField(FileField):
    """An image upload read by the view (and stored by the service), never copied onto the
    record as it is."""

    def populate_obj(self, obj, name):
        pass


# A photo taken where the work is: a phone opens its back camera at once, as the attachments'
# "Take a photo" does (templates/attachments/_macros.html); a desktop offers its files.
CAMERA = {"accept": "image/*", "capture": "environment"}


class CameraPhotoField(PhotoField):
    """A PhotoField whose input opens the phone's camera."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs["render_kw"] = {**CAMERA, **(kwargs.get("render_kw") or {})}
        super().__init__(label, validators, **kwargs)


def read_upload(field) -> bytes | None:
    """The uploaded file's bytes (one byte over the limit, so storage can refuse it)."""
    upload = field.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    return upload.read(IMAGE_LIMIT_BYTES + 1)


# A required text of a step.
TEXT = [DataRequired(), Length(max=2000)]


class ReasonForm(CleanForm):
    """Why: a cancel, a refusal, a revocation."""

    reason = TextAreaField(_l("Reason"), validators=TEXT)
