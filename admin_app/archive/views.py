"""The household's archive on the unit's and the resident's details page.

The desk files a signed agreement, a registration form, an ID copy or a permit while the
resident is at the counter: on the household page, pick the kind (preset: signed agreement),
choose the file, press "Add to the file" — one form, no other page. A document opens from the
same page; every opening is recorded, and supervisors see who opened which and when.

Mixed into the unit and resident views (views/household.py), so that every endpoint finds the
household through the view's own `get_one`: estate scope included.
"""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, request, send_file
from flask_admin import expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.orm import lazyload

from admin_app import validation
from admin_app.archive import operations
from admin_app.archive.forms import WHOLE_HOUSEHOLD, DocumentForm
from admin_app.auth.permissions import may
from admin_app.extensions import db
from admin_app.models import DocumentKind, HouseholdDocument, Resident
from admin_app.panel.details import LatestPage, latest_shown
from admin_app.services.errors import ServiceError

# The newest documents shown at first; "Show older documents" asks for a page more.
DOCUMENTS_PAGE = 20
DOCUMENTS_MOST = 1000


class ArchiveMixin:
    """For the unit and resident views: their household's documents."""

    def _household(self, model):
        """(unit, resident or None) of the page's record."""
        if isinstance(model, Resident):
            return model.unit, model
        return model, None

    # ---- what the page shows -----------------------------------------------------------
    def archive(self, model) -> dict | None:
        """The archive section of the page, or None for whoever may neither open nor add."""
        unit, resident = self._household(model)
        may_open = may(current_user, "household_document.open")
        may_add = operations.may_add(current_user, unit)
        if not (may_open or may_add):
            return None
        shown = latest_shown("documents", DOCUMENTS_PAGE, DOCUMENTS_MOST)
        newest = operations.documents_of(unit.id, resident.id if resident else None, shown + 1)
        documents = LatestPage(newest[:shown])
        documents.more = len(newest) > shown
        form = None
        if may_add:
            kinds = [
                k
                for k in DocumentKind
                if k not in operations.PERSONAL or may(current_user, "resident.show_id_number")
            ]
            residents = (
                db.session.query(Resident)
                .options(lazyload("*"))  # the form offers their names only
                .filter(Resident.unit_id == unit.id)
                .order_by(Resident.id)
                .all()
            )
            form = DocumentForm(formdata=None).offer(residents, kinds, resident)
        see_openings = operations.may_see_openings(current_user)
        return {
            "documents": documents,
            "page": DOCUMENTS_PAGE,
            "may_open": lambda d: operations.may_open(current_user, d),
            "openings": operations.openings(documents) if see_openings else None,
            "form": form,
        }

    # ---- endpoints ---------------------------------------------------------------------
    def _back(self, model) -> str:
        return self.get_url(".details_view", id=model.id) + "#archive"

    @expose("/archive/add/", methods=("POST",))
    def archive_add(self):
        model = self.get_one(request.args.get("id"))
        if model is None:
            abort(404)
        unit, page_resident = self._household(model)
        if not operations.may_add(current_user, unit):
            abort(403)
        back = self._back(model)
        residents = db.session.query(Resident).filter(Resident.unit_id == unit.id).all()
        form = DocumentForm().offer(residents, list(DocumentKind), page_resident)
        if not form.validate_on_submit():
            for errors in form.errors.values():
                for error in errors:
                    flash(str(error), "error")
            return redirect(back)
        limit = current_app.config["ATTACHMENT_MAX_BYTES"]
        upload = form.upload(limit)
        if upload is None:
            flash(gettext("Choose the scanned document or PDF first."), "error")
            return redirect(back)
        filename, data = upload
        resident = None
        if form.resident.data and form.resident.data != WHOLE_HOUSEHOLD:
            resident = next((r for r in residents if r.id == form.resident.data), None)
        try:
            operations.add_document(
                unit,
                resident,
                kind=form.kind.data,
                data=data,
                filename=filename,
                actor=current_user,
                document_date=form.document_date.data,
                note=form.note.data,
            )
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            flash(gettext("Nothing was added. %(reason)s", reason=str(exc)), "error")
            return redirect(back)
        flash(gettext("The document was added to the household's file."), "success")
        return redirect(back)

    @expose("/archive/file/")
    def archive_file(self):
        model = self.get_one(request.args.get("id"))
        if model is None:
            abort(404)
        unit, _ = self._household(model)
        pk = validation.record_id(request.args.get("doc"))
        document = db.session.get(HouseholdDocument, pk) if pk is not None else None
        if document is None or document.unit_id != unit.id:
            abort(404)
        if not operations.may_open(current_user, document):
            abort(403)
        opened = operations.open_document(document, current_user)
        db.session.commit()
        response = send_file(
            io.BytesIO(opened.data),
            mimetype=opened.content_type,
            as_attachment=not opened.inline,
            download_name=opened.filename,
            etag=False,
            conditional=False,
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        # Opened on its own, the file can run nothing and load nothing.
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
