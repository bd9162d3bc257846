"""The resident import pages: upload, column matching, preview, confirm, progress, downloads.

Every endpoint needs the "resident.import" right and the batch's estate among the user's own;
another estate's batch does not exist for the user. The work itself is the service's: small
files are checked and imported within the request, larger ones by a background job while the
page polls a small JSON progress endpoint (progress is in the database, so any web process
can answer).
"""

from __future__ import annotations

from urllib.parse import quote

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    request,
    stream_with_context,
    url_for,
)
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.utils import secure_filename

from admin_app.extensions import db
from admin_app.jobs.queue import submit
from admin_app.models.resident import ResidentRole
from admin_app.models.resident_import import ImportStatus, ResidentImport
from admin_app.models.unit import Occupancy, UnitKind, unit_label
from admin_app.panel import export as exporting
from admin_app.panel.access import SecurePage
from admin_app.panel.saves import saved
from admin_app.residents import operations as resident_import
from admin_app.residents.importing import columns
from admin_app.residents.importing.problems import render
from admin_app.residents.importing.report import table_text
from admin_app.residents.importing.template import RULES, template_file
from admin_app.residents.jobs import check_import, commit_import
from admin_app.services.errors import ServiceError

SHOWN_ROWS = 200
DELIMITERS = {",": _l("comma"), ";": _l("semicolon"), "\t": _l("tab")}
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ResidentImportView(SecurePage):
    def is_accessible(self) -> bool:
        return resident_import.may_import(current_user)

    # ---- upload ------------------------------------------------------------------------
    @expose("/", methods=("GET", "POST"))
    def index(self):
        estates = resident_import.importable_estates(current_user)
        if request.method == "POST":
            response = self._upload({e.id for e in estates})
            if response is not None:
                return response
        recent = (
            db.session.query(ResidentImport)
            .filter(ResidentImport.estate_id.in_([e.id for e in estates]))
            .order_by(ResidentImport.id.desc())
            .limit(10)
            .all()
        )
        return self.render(
            "admin/wuye/import/upload.html",
            estates=estates,
            selected=request.form.get("estate", type=int),
            recent=recent,
            rules=RULES,
            limit_mb=current_app.config["IMPORT_MAX_BYTES"] // 2**20,
            limit_rows=current_app.config["IMPORT_MAX_ROWS"],
        )

    def _upload(self, estate_ids: set[int]):
        estate_id = request.form.get("estate", type=int)
        upload = request.files.get("file")
        if estate_id not in estate_ids:
            flash(gettext("Choose one of your estates."), "error")
            return None
        if upload is None or not upload.filename:
            flash(gettext("Choose a file to import."), "error")
            return None
        started = saved(
            lambda: resident_import.start(
                resident_import.read_upload(upload.stream),
                upload.filename,
                estate_id,
                create_units=request.form.get("create_units") == "y",
                actor=current_user,
                kind=request.form.get("kind", "residents"),
            )
        )
        if not started:
            return None
        batch = started.result
        if batch.status is ImportStatus.checking:
            self._run(batch, check_import)
        return redirect(url_for(".batch", batch_id=batch.id))

    def _run(self, batch: ResidentImport, step, *args) -> None:
        """Small files within the request; larger ones in the background (RQ or a thread)."""
        if resident_import.runs_in_background(batch):
            submit(step, batch.id, *args)
            return
        try:
            step(batch.id, *args)
        except Exception:  # the job has recorded the failure on the batch; the page shows it
            current_app.logger.exception("import %s: %s failed", batch.id, step.__name__)

    # ---- one import --------------------------------------------------------------------
    def _batch(self, batch_id: int) -> ResidentImport:
        try:
            return resident_import.batch_for(current_user, batch_id)
        except ServiceError:
            abort(404)

    @expose("/<int:batch_id>/")
    def batch(self, batch_id: int):
        batch = self._batch(batch_id)
        context = {
            "batch": batch,
            "stale": resident_import.is_stale(batch),
            "refusal": render(batch.refusal) if batch.refusal else None,
            "shown": SHOWN_ROWS,
            "field_label": columns.field_label,
            "value_text": value_text,
            "unit_text": unit_text,
            "unit_field_label": unit_field_label,
            "unit_value_text": unit_value_text,
            "render": render,
            "delimiter_label": DELIMITERS.get(batch.delimiter, batch.delimiter),
        }
        if batch.status is ImportStatus.mapping or request.args.get("columns") == "1":
            context.update(self._mapping_context(batch))
        if batch.status in (ImportStatus.ready, ImportStatus.done):
            context["preview"] = batch.preview or {}
            context["table_read"] = table_text(context["preview"].get("table"))
            context["problems"] = (batch.problems or [])[:SHOWN_ROWS]
        return self.render("admin/wuye/import/batch.html", **context)

    def _mapping_context(self, batch: ResidentImport) -> dict:
        samples: list[list[str]] = []
        described = None
        try:
            table = resident_import.stored_table(batch)
            for _, cells in table.rows():
                samples.append(cells)
                if len(samples) == 3:
                    break
            described = table.describe()
            described["rows"] = [0, 0]  # only the first rows were read
        except ServiceError:
            pass
        header = batch.header or []
        mapping = batch.mapping or [None] * len(header)
        return {
            "mapping_rows": [
                (index, name, mapping[index], [s[index] if index < len(s) else "" for s in samples])
                for index, name in enumerate(header)
            ],
            "fields": [
                (name, columns.field_label(name))
                for name in columns.known_fields(batch.kind == "units")
            ],
            "missing": [
                columns.field_label(f)
                for f in columns.missing_fields(mapping, batch.kind == "units")
            ],
            "table_read": table_text(described),
        }

    @expose("/<int:batch_id>/columns/", methods=("POST",))
    def choose_columns(self, batch_id: int):
        batch = self._batch(batch_id)
        mapping = [request.form.get(f"column-{i}", "") for i in range(len(batch.header or []))]
        return self._step(
            batch,
            lambda: resident_import.choose_columns(batch, mapping, current_user),
            check_import,
        )

    @expose("/<int:batch_id>/confirm/", methods=("POST",))
    def confirm(self, batch_id: int):
        batch = self._batch(batch_id)
        return self._step(
            batch,
            lambda: resident_import.confirm(batch, current_user),
            commit_import,
            current_user.id,
        )

    @expose("/<int:batch_id>/restart/", methods=("POST",))
    def restart(self, batch_id: int):
        batch = self._batch(batch_id)
        return self._step(batch, lambda: resident_import.restart(batch, current_user), check_import)

    @expose("/<int:batch_id>/cancel/", methods=("POST",))
    def cancel(self, batch_id: int):
        batch = self._batch(batch_id)
        return self._step(batch, lambda: resident_import.cancel(batch, current_user), None)

    def _step(self, batch: ResidentImport, change, then, *args):
        """Apply a change, commit it, then start the next step (a check or the import)."""
        if saved(change) and then is not None:
            self._run(batch, then, *args)
        return redirect(url_for(".batch", batch_id=batch.id))

    @expose("/<int:batch_id>/progress/")
    def progress(self, batch_id: int):
        batch = self._batch(batch_id)
        total = max(batch.progress_total, batch.progress_done, 1)
        return jsonify(
            status=batch.status.value,
            label=str(batch.status.label),
            running=batch.status.running,
            stale=resident_import.is_stale(batch),
            done=batch.progress_done,
            total=batch.progress_total,
            percent=min(100, round(100 * batch.progress_done / total)),
        )

    @expose("/<int:batch_id>/invalid.csv")
    def invalid_csv(self, batch_id: int):
        batch = self._batch(batch_id)
        if not batch.invalid_count or batch.file_id is None:
            abort(404)
        header, rows = resident_import.invalid_rows(batch)
        name = secure_filename(f"invalid-rows-{batch.id}.csv")
        return Response(
            # The reasons are rendered as the rows stream out: the request (its reader's
            # language) must still be there, or they come out in the default language.
            stream_with_context(exporting.csv_stream(header, rows)),
            mimetype=MIMETYPES["csv"],
            headers={"Content-Disposition": f"attachment; filename={name}"},
        )

    @expose("/template/<language>.<fmt>")
    def template(self, language: str, fmt: str):
        if language not in ("zh", "en") or fmt not in MIMETYPES:
            abort(404)
        data, name = template_file(fmt, language)
        return Response(
            data,
            mimetype=MIMETYPES[fmt],
            headers={
                "Content-Disposition": f"attachment; filename=residents-template.{fmt}; "
                f"filename*=UTF-8''{quote(name)}"
            },
        )


def value_text(field: str, value) -> str:
    """A value from a preview's changes as a person reads it."""
    if value is None or value == "":
        return "∅"
    if field == "role":
        try:
            return str(ResidentRole(value).label)
        except ValueError:
            return str(value)
    return str(value)


UNIT_COLUMNS = {"floor": "floor", "area_m2": "area", "kind": "unit_kind", "occupancy": "occupancy"}


def unit_field_label(column: str) -> str:
    """A unit column of a preview's changes, labelled like the import's field."""
    return columns.field_label(UNIT_COLUMNS.get(column, column))


def unit_value_text(column: str, value) -> str:
    choices = {"kind": UnitKind, "occupancy": Occupancy}
    if column in choices and value:
        try:
            return str(choices[column](value).label)
        except ValueError:
            return str(value)
    return "∅" if value is None or value == "" else str(value)


def unit_text(label) -> str:
    """A row's unit as the panel writes units ("3栋1单元202室")."""
    building, entrance, room = (label or ["", "", "", ""])[:3]
    return unit_label(building, entrance, room)
