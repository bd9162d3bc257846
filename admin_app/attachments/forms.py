"""The upload form: one or more photos or PDFs, and an optional caption."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import StringField
from wtforms.validators import Length, Optional

from admin_app.attachments.operations import CAPTION_MAX
from admin_app.panel.forms import CleanForm

# The files one upload may carry (a few photos of one leak, not an album).
MAX_FILES = 10


class AttachmentForm(CleanForm):
    files = MultipleFileField(_l("Photos or PDF files"))
    caption = StringField(
        _l("Caption (optional)"), validators=[Optional(), Length(max=CAPTION_MAX)]
    )

    def uploads(self, limit: int) -> list[tuple[str, bytes]]:
        """(file name, bytes) of each chosen file, read to one byte over the limit (so the
        check can refuse a larger one without reading it all)."""
        return [
            (upload.filename, upload.read(limit + 1))
            for upload in (self.files.data or [])
            if getattr(upload, "filename", "")
        ]
