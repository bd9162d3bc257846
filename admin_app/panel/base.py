"""The one base view: access, estate scope, CSRF, paging, export and audit for every record.

Per-record views only declare columns, filters, lookups and actions. Everything a user could
reach — list, details, create, edit, delete, actions, export, ajax lookup and ajax update —
passes through the checks here.
"""

from __future__ import annotations

import contextlib

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    request,
    stream_with_context,
)
from flask_admin import expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.model.fields import AjaxSelectField, AjaxSelectMultipleField
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import and_, inspect, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import joinedload, lazyload
from werkzeug.utils import secure_filename

from admin_app import clock, validation
from admin_app.auth.permissions import CREATE, DELETE, EDIT, EXPORT, VIEW, allowed, may
from admin_app.auth.scope import estate_allowed, scoped
from admin_app.extensions import db
from admin_app.models.audit import AuditRecord
from admin_app.panel import export as exporting
from admin_app.panel import export_copy
from admin_app.panel import flask_admin_private as private
from admin_app.panel.access import refuse
from admin_app.panel.details import DetailsSectionsMixin, LatestPage, latest_shown
from admin_app.panel.export_rows import CellWriter, records_in_order
from admin_app.panel.fields import (
    DETAIL_FORMATTERS,
    EXPORT_FORMATTERS,
    TYPE_FORMATTERS,
    ChoiceFilterConverter,
    ChoiceModelConverter,
)
from admin_app.panel.flask_admin_private import PrivateHooks
from admin_app.panel.forms import CleanAdminForm
from admin_app.panel.history_text import HistoryText
from admin_app.panel.listing import ListingMixin
from admin_app.panel.lookups import (
    ScopedAjaxLoader,
    check_residents_live_in_unit,
    estate_from_links,
    explain_estate_from_links,
    narrow_residents_to_unit,
)
from admin_app.panel.stock_wording import PAGE_SIZE_OPTIONS
from admin_app.services.conflicts import is_write_conflict
from admin_app.services.errors import ServiceError

# Which permission each Flask-Admin endpoint needs (actions are checked one by one).
ENDPOINT_VERBS = {
    "index_view": VIEW,
    "details_view": VIEW,
    "create_view": CREATE,
    "edit_view": EDIT,
    "delete_view": DELETE,
    "export": EXPORT,
    "ajax_update": EDIT,
}

TECHNICAL_COLUMNS = (
    "created_at",
    "updated_at",
    "id_number_enc",
    "id_number_hash",
    "id_number_masked",
    "token_nonce",
    "number",
)


# Flask-Admin flashes these itself; its own zh_Hans_CN catalog lacks them, so they are kept in
# ours (merged into its "admin" domain: translations_build.compile_flask_admin_catalogs).
FLASK_ADMIN_GAPS = (_l("Failed to create record."), _l("Failed to save record."))


@contextlib.contextmanager
def joins_as_written():
    """One record with its related ones is a row joined to a few others by their keys, in any
    order alike; PostgreSQL weighed every order of a ticket's nine tables anyway, 2.1 of the
    2.5 ms the query took (0.6 with the order as written). Only for this query: the setting
    is put back after it (a failed query ends the transaction, which puts it back)."""
    if db.session.get_bind().dialect.name != "postgresql":
        yield
        return
    db.session.execute(text("SET LOCAL join_collapse_limit = 1"))
    yield
    db.session.execute(text("RESET join_collapse_limit"))


class SecureModelView(HistoryText, DetailsSectionsMixin, ListingMixin, PrivateHooks, ModelView):
    resource: str = ""  # the key in auth.permissions.PERMISSIONS

    list_template = "admin/wuye/list.html"
    details_template = "admin/wuye/details.html"
    can_view_details = True
    page_size = 25
    can_set_page_size = True
    page_size_options = PAGE_SIZE_OPTIONS
    export_types = ["csv", "xlsx"]
    column_display_pk = False
    # Filters in URLs by name ("flt0_status_equals=new"): links from the dashboard stay readable.
    named_filter_urls = True
    form_excluded_columns = TECHNICAL_COLUMNS
    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_export = EXPORT_FORMATTERS
    column_type_formatters_detail = DETAIL_FORMATTERS
    model_form_converter = ChoiceModelConverter
    form_base_class = CleanAdminForm
    filter_converter = ChoiceFilterConverter()
    # History is shown on the details page; which record types have it is decided in history.
    show_history = True

    # ---- permissions -------------------------------------------------------------------
    def _may(self, verb: str) -> bool:
        return allowed(current_user, self.resource, verb)

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return self._may(CREATE)

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return self._may(EDIT)

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return self._may(DELETE)

    @property
    def can_export(self) -> bool:  # type: ignore[override]
        return self._may(EXPORT)

    def is_accessible(self) -> bool:
        return self._may(VIEW)

    def is_visible(self) -> bool:
        return self._may(VIEW)

    def inaccessible_callback(self, name, **kwargs):
        return refuse()

    def check_endpoint(self, name):
        """Before every endpoint of the view (PrivateHooks): the permission its verb needs."""
        verb = ENDPOINT_VERBS.get(name)
        if verb is not None and not self._may(verb):
            abort(403)
        if name == "ajax_lookup" and not (self.can_create or self.can_edit):
            abort(403)
        return None

    def is_action_allowed(self, name: str) -> bool:
        if name == "delete":
            return self.can_delete
        return may(current_user, f"{self.resource}.{name}")

    @expose("/action/", methods=("POST",))
    def action_view(self):
        name = request.form.get("action", "")
        if not private.has_list_action(self, name):
            abort(400)
        if not self.is_action_allowed(name):
            abort(403)
        return self.handle_action()

    # Loader options for what a details template reads beyond the fields (a hand-in sheet's
    # payments and their work orders): read with the record, not one query per row.
    details_loads: tuple = ()

    # ---- scope -------------------------------------------------------------------------
    def scope(self, query):
        return scoped(query, self.model, current_user)

    def get_query(self):
        return self.scope(super().get_query())

    def get_count_query(self):
        return self.scope(db.session.query(self.model.id))

    def get_one(self, id):
        pk = validation.record_id(id)
        if pk is None:
            abort(404)
        query = self.get_query().filter(self.model.id == pk)
        # The records a form's lookups or the details' rows show come with the record (a
        # work order's ticket, unit and resident were a lazy query each).
        joins = contextlib.nullcontext()
        if request.endpoint == f"{self.endpoint}.edit_view":
            query = self._with_related(query, self.form_columns or ())
        elif request.endpoint == f"{self.endpoint}.details_view":
            query = self._with_related(query, self.column_details_list or ())
            query = query.options(*self.details_loads)
            # Only here: a form joins three or four tables, which PostgreSQL orders faster
            # than the two statements that set and reset the order take (edit forms 0.3-0.5
            # ms faster without, a ticket's details 2 ms slower; interleaved, 2026-12-06).
            joins = joins_as_written()
        with joins:
            record = query.one_or_none()
        if record is None:
            abort(404)
        return record

    def validate_form(self, form) -> bool:
        """A record named by id in a lookup field that is not there for the user (gone, of
        another estate, or never existed) is refused — never saved as if left blank."""
        estate_from_links(form)
        valid = super().validate_form(form)
        for field in form:
            if isinstance(field, AjaxSelectMultipleField):
                # Flask-Admin looks the ids up only when the data is read — after its own
                # check — and drops the ones it cannot find: an account saved without the
                # estate chosen. Read them here, while the form can still be refused.
                field.data  # noqa: B018
                refused = getattr(field, "_invalid_formdata", False)
            else:
                unresolved = getattr(field, "_formdata", None)
                refused = isinstance(field, AjaxSelectField) and unresolved and field.data is None
            if refused:
                field.errors = [*field.errors, gettext("Not a valid choice")]
                valid = False
        return check_residents_live_in_unit(form) and valid

    def ajax_loader_for(self, name, options):
        attr = getattr(self.model, name)
        remote = attr.property.mapper.class_
        return ScopedAjaxLoader(name, db.session, remote, **options)

    # ---- create / edit / delete --------------------------------------------------------
    def create_form(self, obj=None):
        form = super().create_form(obj)
        # Most staff work in one estate: start the form there.
        estate_field = getattr(form, "estate", None)
        if estate_field is not None and request.method == "GET" and estate_field.data is None:
            estates = current_user.estates
            if len(estates) == 1:
                estate_field.data = estates[0]
        if request.method == "GET":
            self.prefill_from_link(form)
        explain_estate_from_links(form)
        narrow_residents_to_unit(form)
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        narrow_residents_to_unit(form)
        return form

    # Records a form may start with, named in its URL by the page that opened it ("new
    # ticket" on a unit's or a resident's page: ?unit=12&resident=7).
    PREFILLED_LOOKUPS = ("resident", "unit")

    def prefill_from_link(self, form) -> None:
        """Each record is looked up as its field's lookup would (in the user's scope: another
        estate's id is ignored, never shown); the unit follows the resident, the estate the
        unit."""
        fields = {}
        for name in self.PREFILLED_LOOKUPS:
            field = getattr(form, name, None)
            if not isinstance(field, AjaxSelectField):
                continue
            fields[name] = field
            asked = request.args.get(name)
            if asked and field.data is None:
                field.data = field.loader.get_one(asked)
        resident, unit = fields.get("resident"), fields.get("unit")
        if resident is not None and resident.data is not None and unit and unit.data is None:
            unit.data = resident.data.unit
        estate = getattr(form, "estate", None)
        if unit is not None and unit.data is not None and estate is not None:
            estate.data = unit.data.estate

    def on_model_change(self, form, model, is_created):
        self.check_estates(model)

    def check_estates(self, model) -> None:
        """The record's estate is one of the user's, and every record it points to is in
        the same estate (a ticket of estate A never names a unit of estate B)."""
        estate_id = getattr(model, "estate_id", None)
        if estate_id is None and getattr(model, "estate", None) is not None:
            estate_id = model.estate.id
        if hasattr(model, "estate_id") and not estate_allowed(current_user, estate_id):
            raise ServiceError(_l("You may only keep records of your own estates."))
        for rel in inspect(type(model)).relationships:
            if rel.uselist or rel.key == "estate":
                continue
            target = getattr(model, rel.key, None)
            target_estate = getattr(target, "estate_id", None)
            if (
                target is not None
                and target_estate is not None
                and estate_id is not None
                and target_estate != estate_id
            ):
                raise ServiceError(
                    _l("%(field)s belongs to another estate."),
                    field=self.get_column_name(rel.key),
                )

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, ServiceError):
            flash(str(exc), "error")
            return True
        if isinstance(exc, OperationalError) and is_write_conflict(exc):
            current_app.logger.info("write conflict in %s: %s", self.endpoint, exc.orig)
            flash(
                gettext(
                    "Someone else saved at the same moment. Nothing was changed: please save again."
                ),
                "error",
            )
            return True
        if isinstance(exc, IntegrityError):
            current_app.logger.info("integrity error in %s: %s", self.endpoint, exc.orig)
            flash(str(self.integrity_message(str(exc.orig))), "error")
            return True
        return super().handle_view_exception(exc)

    def create_model(self, form):
        model = self.build_new_instance()

        def create():
            form.populate_obj(model)
            db.session.add(model)
            private.run_on_model_change(self, form, model, True)

        if not self._commit(create):
            return False
        self.after_model_change(form, model, True)
        return model

    def update_model(self, form, model):
        def update():
            form.populate_obj(model)
            private.run_on_model_change(self, form, model, False)

        if not self._commit(update):
            return False
        self.after_model_change(form, model, False)
        return True

    def delete_model(self, model):
        def delete():
            self.on_model_delete(model)
            db.session.delete(model)

        if not self._commit(delete):
            return False
        self.after_model_delete(model)
        return True

    def _commit(self, change) -> bool:
        """Run a change and commit it, or roll everything back and tell the user why —
        in their language, without SQL or a stack trace."""
        try:
            change()
            db.session.commit()
            return True
        except Exception as exc:
            db.session.rollback()
            if not self.handle_view_exception(exc):
                current_app.logger.exception("saving %s failed", self.resource)
                flash(gettext("The record could not be saved. Nothing was changed."), "error")
            return False

    # Constraint-specific messages: (words found in the database's error, message).
    integrity_messages: tuple = ()

    def integrity_message(self, error: str):
        lowered = error.lower()
        if "foreign key" in lowered:
            return _l("This record is still referenced by other records. Nothing was changed.")
        for needles, message in self.integrity_messages:
            if all(n in lowered for n in needles):
                return message
        return _l("This record conflicts with an existing one. Nothing was saved.")

    # ---- ajax inline update ------------------------------------------------------------
    def list_form(self, obj=None):
        """Flask-Admin builds one per row of the list page; the rows' in-place editors are
        written from the rows themselves (panel/rows.py), so on the page none is built. The
        editor's save (a POST) gets its form as before."""
        if obj is not None and request.method == "GET":
            return None
        return super().list_form(obj)

    def editor_form(self, row=None):
        """The in-place editors' form, of this row (or of none: the fields' choices)."""
        return super().list_form(row)

    @expose("/ajax/update/", methods=("POST",))
    def ajax_update(self):
        # Flask-Admin saves here even when can_edit is False; check_endpoint has checked EDIT.
        if not self.column_editable_list:
            abort(404)
        unknown = (
            set(request.form) - set(self.column_editable_list) - {"list_form_pk", "csrf_token"}
        )
        if unknown:
            abort(400)
        return super().ajax_update()

    # ---- export ------------------------------------------------------------------------
    @expose("/export/<export_type>/")
    def export(self, export_type):
        if export_type not in self.export_types:
            abort(404)
        view_args = private.list_arguments(self)
        sort = private.sort_column(self, view_args.sort)
        _, query = self.get_list(
            None,
            sort[0] if sort else None,
            view_args.sort_desc,
            view_args.search,
            view_args.filters,
            execute=False,
            page_size=0,
            with_count=False,
        )
        columns = private.export_columns(self)
        load = self._with_related(self.get_query(), [name for name, _ in columns])
        header = [str(label) for _, label in columns]
        cells = CellWriter(self, [name for name, _ in columns])

        def rows():
            try:
                for record in records_in_order(self, query, load):
                    yield cells.row(record)
            finally:
                # The stream outlives the view and its session's teardown: release the
                # connection here, whether the download finished or the client went away.
                query.session.close()

        stamp = clock.now().strftime("%Y%m%d-%H%M")
        filename = secure_filename(f"{self.resource}-{stamp}.{export_type}")
        headers = {"Content-Disposition": f"attachment; filename={filename}"}
        if export_type == "csv":
            # On PostgreSQL the database writes the file (COPY), else the rows come here.
            names = [name for name, _ in columns]
            header_line = next(exporting.csv_stream(header, ()))
            body = export_copy.csv_stream(self, query, names, header_line)
            if body is None:
                body = exporting.csv_stream(header, rows())
            else:
                body = exporting.closing_session(body, query.session)
            mimetype = "text/csv; charset=utf-8"
        else:
            body = exporting.xlsx_stream(header, rows(), sheet_title=str(self.name))
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(stream_with_context(body), headers=headers, mimetype=mimetype)

    def preload_for_rows(self, records) -> None:
        """Load what a page of rows or a chunk of the export shows beyond the rows' own
        relations, in a few queries (a view whose cells name other records overrides it)."""

    # ---- history on the details page ---------------------------------------------------
    # The latest changes shown at first; "more" asks for HISTORY_PAGE more each time, up to
    # HISTORY_MOST. Whatever the number, the page costs the same queries: the entries with
    # their actors in one, then one per kind of record the changes name.
    HISTORY_PAGE = 20
    HISTORY_MOST = 1000

    def history_shown(self) -> int:
        """How many history entries the page shows: ?history=N, rounded to whole pages."""
        return latest_shown("history", self.HISTORY_PAGE, self.HISTORY_MOST)

    def history_for(self, model, limit: int | None = None):
        """The latest `limit` entries (the page's, by default), newest first, and the records
        their changes link to, loaded once per kind for `history_value`. The entries carry
        `more`: True when older ones are left out."""
        limit = self.history_shown() if limit is None else limit
        rows = (
            db.session.query(AuditRecord)
            .options(joinedload(AuditRecord.actor).lazyload("*"))
            .filter(self.history_clause(model))
            .order_by(AuditRecord.at.desc(), AuditRecord.id.desc())
            .limit(limit + 1)
            .all()
        )
        entries = LatestPage(rows[:limit])
        entries.more = len(rows) > limit
        self.load_history_links(entries)
        return entries

    def history_clause(self, model):
        """Which history entries the record's page shows: its own."""
        return and_(
            AuditRecord.entity_type == self.model.__tablename__, AuditRecord.entity_id == model.id
        )

    def load_history_links(self, entries) -> None:
        """The records the entries' changes name (a unit, a technician…), one query per kind
        for all of them, kept for the request (the identity map holds a record only while it
        is referenced); a record that is gone is remembered as gone."""
        targets = self.history_targets()
        wanted: dict = {}
        for entry in entries:
            for field, values in (entry.changes or {}).items():
                if field in targets and isinstance(values, list | tuple):
                    ids = wanted.setdefault(targets[field], set())
                    ids.update(v for v in values if isinstance(v, int) and not isinstance(v, bool))
        found = g.setdefault("history_links", {})
        for target, ids in wanted.items():
            ids -= {pk for kind, pk in found if kind is target}
            if not ids:
                continue
            for pk in ids:
                found[(target, pk)] = None
            query = db.session.query(target).options(lazyload("*"))
            for record in query.filter(target.id.in_(ids)):
                found[(target, record.id)] = record
