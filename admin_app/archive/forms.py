"""The archive's upload form: what the document is, the file, its date, a note, whose it is."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from admin_app import clock
from admin_app.archive.operations import NOTE_MAX
from admin_app.models import DocumentKind
from admin_app.panel.dates import DateField
from admin_app.panel.forms import CleanForm

WHOLE_HOUSEHOLD = 0


class DocumentForm(CleanForm):
    kind = SelectField(
        _l("Kind of document"),
        choices=DocumentKind.choices(),
        default=DocumentKind.agreement.value,
        validators=[InputRequired()],
    )
    file = FileField(_l("Scan or PDF"))
    document_date = DateField(
        _l("Date of the document"), default=clock.today, validators=[Optional()]
    )
    resident = SelectField(
        _l("Concerns"), coerce=int, default=WHOLE_HOUSEHOLD, validators=[Optional()]
    )
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=NOTE_MAX)])

    def offer(self, residents, kinds, fixed_resident=None) -> DocumentForm:
        """The residents the document may concern (a resident's page: that one, preset)
        and the kinds the user may file."""
        self.resident.choices = [(WHOLE_HOUSEHOLD, str(_l("The whole household")))] + [
            (r.id, r.name) for r in residents
        ]
        if fixed_resident is not None and not self.resident.raw_data:
            self.resident.data = fixed_resident.id
        self.kind.choices = [(k.value, k.label) for k in kinds]
        return self

    def upload(self, limit: int) -> tuple[str, bytes] | None:
        """(file name, bytes) read to one byte over the limit, or None when none was chosen."""
        upload = self.file.data
        if not getattr(upload, "filename", ""):
            return None
        return upload.filename, upload.read(limit + 1)
