"""Importing resident lists: upload, column matching, check (the dry run), confirm, commit.

One set of verbs for the web page, the background jobs and `flask residents import`; each checks,
changes and flushes, and the request or the job commits. The uploaded file is kept encrypted in
the database (it carries ID numbers), so every step can run in any web process or worker. On
PostgreSQL the check keeps the rows it decided (importing/staging.py) and the commit writes them
as they are while the estate is as the check saw it; otherwise (something changed in the estate,
units to create, SQLite) the commit re-reads the file, re-checks every row against the estate as
it is now, and writes only when the outcome is the one the person confirmed; otherwise it stores
the new preview and asks again. The write is one transaction: all rows or none.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select, update

from admin_app import clock, sensitive
from admin_app.auth.permissions import may
from admin_app.auth.scope import estate_allowed, scoped
from admin_app.extensions import db
from admin_app.models.estate import Estate
from admin_app.models.resident_import import ImportStatus, ResidentImport
from admin_app.models.staff import Staff
from admin_app.models.stored_file import StoredFile
from admin_app.residents.importing import columns, planning, staging, writing
from admin_app.residents.importing.problems import ImportRefused, Problem, render
from admin_app.residents.importing.reading import Table, read_table
from admin_app.services import history, storage
from admin_app.services.errors import Forbidden, NotFound

IMPORT = "resident.import"  # the named action in auth.permissions.ACTIONS
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


# ---- who may ----------------------------------------------------------------------------
def may_import(user, estate_id: int | None = None) -> bool:
    return may(user, IMPORT) and (estate_id is None or estate_allowed(user, estate_id))


def importable_estates(user) -> list[Estate]:
    query = scoped(select(Estate), Estate, user).order_by(Estate.name)
    return list(db.session.execute(query).scalars())


def _check_actor(actor, estate_id: int) -> None:
    """The command line runs as the system (actor None); people need the right and the estate."""
    if actor is not None and not may_import(actor, estate_id):
        raise Forbidden(gettext("You may not import residents into this estate."))


def batch_for(user, batch_id: int) -> ResidentImport:
    """The batch, if it exists for this user (another estate's batch does not)."""
    batch = db.session.get(ResidentImport, batch_id)
    if batch is None or not may_import(user, batch.estate_id):
        raise NotFound(gettext("This import does not exist."))
    return batch


# ---- the steps ---------------------------------------------------------------------------
def start(
    data: bytes,
    filename: str,
    estate_id: int,
    *,
    create_units: bool = False,
    actor=None,
    kind: str = "residents",
) -> ResidentImport:
    """Record the upload and read its header. A file that cannot be read is recorded as
    refused (with the reason); otherwise the batch waits for column matching or a check.
    `kind` "units": a unit list, with or without owners (missing units are created)."""
    _check_actor(actor, estate_id)
    if db.session.get(Estate, estate_id) is None:
        raise NotFound(gettext("This estate does not exist."))
    batch = ResidentImport(
        estate_id=estate_id,
        filename=storage.safe_filename(filename) or "import",
        created_by_id=getattr(actor, "id", None),
        create_units=create_units or kind == "units",
        status=ImportStatus.checking,
        kind="units" if kind == "units" else "residents",
    )
    db.session.add(batch)
    limit = current_app.config["IMPORT_MAX_BYTES"]
    try:
        if not data:
            raise ImportRefused("empty_file")
        if len(data) > limit:
            raise ImportRefused("file_too_large", limit=limit // 2**20)
        table = read_table(data, max_rows=current_app.config["IMPORT_MAX_ROWS"])
        if table.format == "csv":  # cheap here; a workbook is counted by the check (a job)
            table.check_size(current_app.config["IMPORT_MAX_ROWS"])
    except ImportRefused as refused:
        _refuse(batch, refused.problem)
        db.session.flush()
        return batch
    stored = storage.save_file(
        sensitive.encrypt_bytes(data),
        content_type=CONTENT_TYPES[table.format],
        filename=batch.filename,
        estate_id=estate_id,
        created_by_id=batch.created_by_id,
    )
    batch.file_id = stored.id
    batch.file_format, batch.encoding, batch.delimiter = (
        table.format,
        table.encoding,
        table.delimiter,
    )
    batch.header = table.header
    units = batch.kind == "units"
    batch.mapping = columns.auto_mapping(table.header, remembered_columns(estate_id), units)
    if columns.needs_person(batch.mapping, units):
        batch.status = ImportStatus.mapping
    db.session.flush()
    return batch


def remembered_columns(estate_id: int, recent: int = 20) -> dict[str, str]:
    """{header key: field} as the estate's recent checked imports matched their columns (the
    newest choice wins), so the next file from the same system needs no matching step."""
    found = db.session.execute(
        select(ResidentImport.header, ResidentImport.mapping)
        .where(
            ResidentImport.estate_id == estate_id,
            ResidentImport.status.in_(
                (ImportStatus.ready, ImportStatus.importing, ImportStatus.done)
            ),
            ResidentImport.mapping.is_not(None),
        )
        .order_by(ResidentImport.id.desc())
        .limit(recent)
    ).all()
    remembered: dict[str, str] = {}
    for header, mapping in reversed(found):
        for cell, name in zip(header or [], mapping or [], strict=False):
            if name is not None and columns.header_key(cell):
                remembered[columns.header_key(cell)] = name
    return remembered


def read_upload(stream, limit: int | None = None) -> bytes:
    """An uploaded file's bytes, reading no more than one byte past the import's size limit
    (that byte says the file is too large: start refuses it)."""
    limit = limit if limit is not None else current_app.config["IMPORT_MAX_BYTES"]
    return stream.read(limit + 1)


def choose_columns(batch: ResidentImport, mapping: list[str], actor=None) -> None:
    """The person's column matching ("" = do not import the column); then a check follows."""
    _check_actor(actor, batch.estate_id)
    if batch.status not in (ImportStatus.mapping, ImportStatus.checking, ImportStatus.ready):
        raise ImportRefused("not_ready")
    units = batch.kind == "units"
    known = (*columns.known_fields(units), columns.IGNORE)
    mapping = [m if m in known else columns.IGNORE for m in mapping]
    mapping = (mapping + [columns.IGNORE] * len(batch.header or []))[: len(batch.header or [])]
    twice = columns.mapped_twice(mapping)
    if twice:
        raise ImportRefused("mapped_twice", field=twice)
    missing = columns.missing_fields(mapping, units)
    if missing:
        raise ImportRefused("no_columns", fields=missing)
    batch.mapping = list(mapping)
    batch.status = ImportStatus.checking
    db.session.flush()


def check(batch: ResidentImport, progress=None) -> planning.Plan:
    """The dry run: every row checked against the estate; the preview is stored, nothing else
    changes. Progress goes to `progress(done, total)` (it must not write through this session)."""
    return keep_check(batch, read_check(batch, progress))


def read_check(batch: ResidentImport, progress=None) -> tuple[planning.Plan, list | None]:
    """The check's reading, which writes nothing. The background check ends its transaction
    after it and writes in the next (residents/jobs.py): on SQLite a reading transaction that
    writes after another's commit is refused, and the check's own progress is such a commit."""
    # Read before the rows are: a change in between makes the commit re-check (never miss it).
    state = staging.estate_state(db.session, batch.estate)
    with _collector_paused():
        return _plan(batch, progress), state


def keep_check(batch: ResidentImport, checked: tuple[planning.Plan, list | None]) -> planning.Plan:
    """Store what `read_check` found: the preview, and on PostgreSQL the rows for the commit
    (with the estate's state before the reading: the commit re-checks if it changed since)."""
    plan, state = checked
    with _collector_paused():
        _store_preview(batch, plan)
        staging.keep(batch, plan, state)
    batch.status = ImportStatus.ready
    batch.checked_at = clock.now()
    db.session.flush()
    return plan


def confirm(batch: ResidentImport, actor=None) -> None:
    """The person confirms the preview. One confirmation wins: a second (a double click,
    another tab) changes nothing and is told who confirmed, and when."""
    _check_actor(actor, batch.estate_id)
    claimed = db.session.execute(
        update(ResidentImport)
        .where(ResidentImport.id == batch.id, ResidentImport.status == ImportStatus.ready)
        .values(
            status=ImportStatus.importing,
            notice="",
            progress_done=0,
            # who confirmed and when, until the import itself finishes and says so
            committed_by_id=getattr(actor, "id", None),
            committed_at=clock.now(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.refresh(batch)
        raise _confirmed_before(batch)
    db.session.refresh(batch)


def _confirmed_before(batch: ResidentImport) -> ImportRefused:
    """A second confirmation: who confirmed the import, and when (a person did)."""
    who = db.session.get(Staff, batch.committed_by_id) if batch.committed_by_id else None
    running_or_done = batch.status in (ImportStatus.importing, ImportStatus.done)
    if not running_or_done or who is None or batch.committed_at is None:
        return ImportRefused("not_ready")
    return ImportRefused(
        "confirmed_before", name=who.name, time=batch.committed_at.strftime("%H:%M")
    )


def commit(batch: ResidentImport, actor_id: int | None = None, progress=None) -> bool:
    """Re-check and write. False (and a new preview) when the outcome differs from the one
    confirmed, because residents of the estate changed in between."""
    if batch.status is not ImportStatus.importing:
        raise ImportRefused("not_ready")
    # Two imports into one estate take turns (other writes to the estate are not blocked).
    db.session.execute(
        select(Estate.id).where(Estate.id == batch.estate_id).with_for_update(key_share=True)
    )
    # The check's rows as they are, while the estate is as the check saw it.
    with history.action("import", actor=actor_id, batch_id=batch.id):
        written = staging.write(db.session, batch)
    if written is None:
        state = staging.estate_state(db.session, batch.estate)
        with _collector_paused():
            plan = _plan(batch, progress)
        if plan.fingerprint != batch.fingerprint:
            _store_preview(batch, plan)
            with _collector_paused():
                staging.keep(batch, plan, state)
            batch.status = ImportStatus.ready
            batch.notice = "changed"
            batch.committed_by_id = batch.committed_at = None
            db.session.flush()
            return False
        with history.action("import", actor=actor_id, batch_id=batch.id), _collector_paused():
            written = writing.apply(db.session, plan, batch)
    batch.staged = None
    batch.status = ImportStatus.done
    batch.units_created = written["units"]
    batch.committed_at = clock.now()
    batch.committed_by_id = actor_id
    db.session.flush()
    return True


def cancel(batch: ResidentImport, actor=None) -> None:
    _check_actor(actor, batch.estate_id)
    if batch.status not in (ImportStatus.mapping, ImportStatus.ready, ImportStatus.failed):
        raise ImportRefused("not_ready")
    batch.status = ImportStatus.cancelled
    batch.staged = None
    db.session.flush()


def restart(batch: ResidentImport, actor=None) -> None:
    """Check again: after a failure, a stopped job, or to see the estate's current state."""
    _check_actor(actor, batch.estate_id)
    if not (batch.status in (ImportStatus.failed, ImportStatus.ready) or is_stale(batch)):
        raise ImportRefused("not_ready")
    if batch.file_id is None:
        raise ImportRefused("not_ready")
    batch.status = ImportStatus.checking
    batch.refusal = None
    batch.notice = ""
    db.session.flush()


def mark_refused(batch_id: int, problem: Problem) -> None:
    """After a rollback: record why the file or the import was refused."""
    batch = db.session.get(ResidentImport, batch_id)
    if batch is not None:
        _refuse(batch, problem)
        db.session.flush()


def mark_failed(batch_id: int, code: str = "job_failed") -> None:
    batch = db.session.get(ResidentImport, batch_id)
    if batch is not None:
        batch.status = ImportStatus.failed
        batch.refusal = Problem(code).as_json()
        db.session.flush()


# ---- reading it back ---------------------------------------------------------------------
def is_stale(batch: ResidentImport) -> bool:
    """A background step that has not reported for a long time: its worker has stopped."""
    if not batch.status.running or batch.updated_at is None:
        return False
    quiet = (clock.now() - batch.updated_at).total_seconds()
    return quiet > current_app.config["IMPORT_STALE_SECONDS"]


def runs_in_background(batch: ResidentImport) -> bool:
    size = db.session.execute(
        select(StoredFile.size).where(StoredFile.id == batch.file_id)
    ).scalar_one_or_none()
    # The stored file is encrypted: base64 makes it a third larger than the upload.
    return (size or 0) * 3 // 4 > current_app.config["IMPORT_INLINE_MAX_BYTES"]


def stored_table(batch: ResidentImport) -> Table:
    stored = db.session.get(StoredFile, batch.file_id) if batch.file_id else None
    if stored is None:
        raise ImportRefused("empty_file")
    data = sensitive.decrypt_bytes(storage.read(stored))
    return read_table(data, max_rows=current_app.config["IMPORT_MAX_ROWS"])


def invalid_rows(batch: ResidentImport) -> tuple[list[str], Iterator[list[str]]]:
    """The invalid rows as they were in the file, with the reasons in front (that column and
    the row number are ignored when the fixed file is imported again)."""
    reasons = {p["row"]: p["errors"] for p in batch.problems or []}
    table = stored_table(batch)
    header = [str(columns.ERROR_COLUMN), str(columns.ROW_COLUMN), *table.header]

    def rows() -> Iterator[list[str]]:
        for number, cells in table.rows():
            if number in reasons:
                text = " ".join(render(error) for error in reasons[number])
                yield [text, str(number), *cells]

    return header, rows()


def counts(batch: ResidentImport) -> dict[str, int]:
    return {
        "total": batch.total_rows,
        "new": batch.new_count,
        "updated": batch.updated_count,
        "unchanged": batch.unchanged_count,
        "invalid": batch.invalid_count,
        "duplicates": batch.duplicate_count,
        "units": batch.units_created,
    }


# ---- inside ------------------------------------------------------------------------------
@contextlib.contextmanager
def _collector_paused():
    """An import allocates millions of small objects and no reference cycles; left running, the
    cyclic garbage collector scans them over and over (a third of the import's time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _plan(batch: ResidentImport, progress) -> planning.Plan:
    table = stored_table(batch)
    table.check_size(current_app.config["IMPORT_MAX_ROWS"])
    units = batch.kind == "units"
    if columns.needs_person(batch.mapping or [None], units):
        raise ImportRefused("no_columns", fields=columns.missing_fields(batch.mapping or [], units))
    plan = planning.build_plan(
        db.session,
        estate=batch.estate,
        rows=table.rows(),
        mapping=batch.mapping,
        create_units=batch.create_units,
        estimated_rows=table.estimated_rows,
        progress=progress,
        sheet=table.format == "xlsx",
        unit_list=units,
    )
    plan.table = table.describe()
    return plan


def _store_preview(batch: ResidentImport, plan: planning.Plan) -> None:
    found = plan.counts
    batch.total_rows = found["total"]
    batch.new_count = found["new"]
    batch.updated_count = found["updated"]
    batch.unchanged_count = found["unchanged"]
    batch.invalid_count = found["invalid"]
    batch.duplicate_count = found["duplicates"]
    batch.units_created = found["units"]
    batch.progress_done = batch.progress_total = found["total"]
    batch.fingerprint = plan.fingerprint
    batch.preview = planning.preview_payload(plan)
    batch.problems = plan.problems


def _refuse(batch: ResidentImport, problem: Problem) -> None:
    batch.status = ImportStatus.refused
    batch.refusal = problem.as_json()
