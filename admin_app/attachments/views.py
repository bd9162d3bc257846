"""The attachment endpoints of a record view: upload, show a file, remove; and the panel's data.

Mixed into the ticket, work-order, renovation and inspection views, so that every endpoint
finds its record through the view's own `get_one` — estate scope and row rules (a technician's
own orders) included — and needs the view's VIEW permission like its details page.
"""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, request, send_file
from flask_admin import expose
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from admin_app import validation
from admin_app.attachments import operations
from admin_app.attachments.forms import MAX_FILES, AttachmentForm
from admin_app.extensions import db
from admin_app.models.attachment import Attachment
from admin_app.panel.return_links import return_target
from admin_app.services import storage
from admin_app.services.errors import ServiceError


class AttachmentsMixin:
    """For SecureModelView subclasses whose model takes attachments (models/attachment.py)."""

    shows_attachments = True

    # ---- what the panel shows ------------------------------------------------------------
    def may_attach(self, record) -> bool:
        return operations.may_add(current_user, record)

    def may_remove_attachment(self, attachment, record) -> bool:
        return operations.may_remove(current_user, attachment, record)

    def attachments_of(self, record) -> list[Attachment]:
        return operations.attachments_of(record)

    # ---- endpoints ----------------------------------------------------------------------
    def _attachment(self, record) -> Attachment:
        pk = validation.record_id(request.values.get("aid"))
        attachment = db.session.get(Attachment, pk) if pk is not None else None
        kind = operations.record_kind(record)
        if attachment is None or attachment.record_key() != (kind, record.id):
            abort(404)
        return attachment

    def _back(self, record) -> str:
        fallback = self.get_url(".details_view", id=record.id)
        return return_target("url", fallback) + "#attachments"

    @expose("/attachments/add/", methods=("POST",))
    def attachment_add(self):
        record = self.get_one(request.args.get("id"))
        if not self.may_attach(record):
            abort(403)
        form = AttachmentForm()
        back = self._back(record)
        if not form.validate_on_submit():
            for errors in form.errors.values():
                for error in errors:
                    flash(str(error), "error")
            return redirect(back)
        limit = current_app.config["ATTACHMENT_MAX_BYTES"]
        uploads = form.uploads(limit)
        if not uploads:
            flash(gettext("Choose a photo or a PDF file first."), "error")
            return redirect(back)
        if len(uploads) > MAX_FILES:
            flash(gettext("At most %(num)d files at a time.", num=MAX_FILES), "error")
            return redirect(back)
        try:
            # All or nothing: one refused file and none of the upload is kept.
            for filename, data in uploads:
                try:
                    operations.add_attachment(
                        record,
                        current_user,
                        data=data,
                        filename=filename,
                        caption=form.caption.data,
                    )
                except ServiceError as exc:
                    raise ServiceError(
                        _l("%(file)s: %(reason)s"),
                        file=storage.safe_filename(filename),
                        reason=exc,
                    ) from exc
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            flash(gettext("Nothing was attached. %(reason)s", reason=str(exc)), "error")
            return redirect(back)
        flash(
            ngettext("%(num)d file attached.", "%(num)d files attached.", len(uploads)),
            "success",
        )
        return redirect(back)

    @expose("/attachments/file/")
    def attachment_file(self):
        """The file, to whoever may see the record: an image shown as the image it was
        re-encoded to, anything else (a PDF) only as a download."""
        record = self.get_one(request.args.get("id"))
        attachment = self._attachment(record)
        thumb = request.args.get("thumb") == "1" and attachment.thumbnail_file_id
        stored = attachment.thumbnail_file if thumb else attachment.stored_file
        if stored is None:
            abort(404)
        response = send_file(
            io.BytesIO(storage.read(stored)),
            mimetype=stored.content_type,
            as_attachment=not attachment.is_image,
            download_name=attachment.filename or f"attachment-{attachment.id}",
            etag=False,
            conditional=False,
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        # Opened on its own, the file can run nothing and load nothing.
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    @expose("/attachments/remove/", methods=("POST",))
    def attachment_remove(self):
        record = self.get_one(request.args.get("id"))
        attachment = self._attachment(record)
        if not self.may_remove_attachment(attachment, record):
            abort(403)
        try:
            operations.remove_attachment(attachment, record, current_user)
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(gettext("The attachment was removed."), "success")
        return redirect(self._back(record))
