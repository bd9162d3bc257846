"""`flask residents import` and `flask units import`: the panel's import steps run in one go,
for scripts.

Like a web request, this is a caller of the service: it commits, or rolls everything back when
it refuses. A dry run writes nothing at all (not even the record of the batch).
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale, gettext
from sqlalchemy.exc import IntegrityError

from admin_app.extensions import db
from admin_app.models.estate import Estate
from admin_app.models.resident_import import ImportStatus
from admin_app.residents import operations as resident_import
from admin_app.residents.importing import columns, report
from admin_app.residents.importing.problems import ImportRefused, Problem, render

residents_cli = AppGroup("residents", help="Resident records.")
units_cli = AppGroup("units", help="Units (房屋).")


@residents_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--estate", "estate_code", required=True, help="Estate code, e.g. HY.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--create-units", is_flag=True, help="Create units that do not exist yet.")
@click.option(
    "--skip-invalid", is_flag=True, help="Import the valid rows even if some are invalid."
)
@click.option(
    "--map",
    "column_map",
    multiple=True,
    metavar="HEADER=FIELD",
    help="Match a column by hand; FIELD 'ignore' leaves it out (repeatable).",
)
@click.option("--lang", type=click.Choice(["zh_Hans_CN", "en"]), help="Language of the report.")
def residents_import(
    file, estate_code, dry_run, as_json, create_units, skip_invalid, column_map, lang
):
    """Import residents from a CSV or .xlsx FILE: the panel's checks, preview and all-or-nothing
    commit. Exits 1 when it refuses (unreadable file, unknown columns, invalid rows without
    --skip-invalid, or data changed meanwhile); --dry-run exits as the real run would."""
    with force_locale(lang or current_app.config["BABEL_DEFAULT_LOCALE"]):
        code, summary = run_import(
            Path(file),
            estate_code,
            dry_run=dry_run,
            create_units=create_units,
            skip_invalid=skip_invalid,
            column_map=column_map,
        )
        click.echo(
            json.dumps(summary, ensure_ascii=False, indent=2)
            if as_json
            else report.as_text(summary)
        )
    if code:
        raise SystemExit(code)


@units_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--estate", "estate_code", required=True, help="Estate code, e.g. HY.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--skip-invalid", is_flag=True, help="Import the valid rows even if some are invalid."
)
@click.option(
    "--map",
    "column_map",
    multiple=True,
    metavar="HEADER=FIELD",
    help="Match a column by hand; FIELD 'ignore' leaves it out (repeatable).",
)
@click.option("--lang", type=click.Choice(["zh_Hans_CN", "en"]), help="Language of the report.")
def units_import(file, estate_code, dry_run, as_json, skip_invalid, column_map, lang):
    """Import a unit list (building, entrance, floor, room, area, type, occupancy) from a CSV
    or .xlsx FILE, with or without owners on the same rows: missing units are created, stored
    ones updated, owners imported as by `residents import`; all rows or none. Exits 1 when it
    refuses."""
    with force_locale(lang or current_app.config["BABEL_DEFAULT_LOCALE"]):
        code, summary = run_import(
            Path(file),
            estate_code,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            column_map=column_map,
            kind="units",
        )
        click.echo(
            json.dumps(summary, ensure_ascii=False, indent=2)
            if as_json
            else report.as_text(summary)
        )
    if code:
        raise SystemExit(code)


def run_import(
    path: Path,
    estate_code: str,
    *,
    dry_run: bool = False,
    create_units: bool = False,
    skip_invalid: bool = False,
    column_map: tuple[str, ...] = (),
    kind: str = "residents",
) -> tuple[int, dict]:
    """(exit code, summary). 0: imported (or, dry, would import); 1: refused."""
    estate = db.session.query(Estate).filter(Estate.code == estate_code).one_or_none()
    if estate is None:
        return 1, _refused_early(
            path, estate_code, gettext("Unknown estate code: %(code)s", code=estate_code)
        )
    try:
        with path.open("rb") as stream:
            data = resident_import.read_upload(stream)
        batch = resident_import.start(
            data, path.name, estate.id, create_units=create_units, kind=kind
        )
        if batch.status is ImportStatus.refused:
            return _finish(batch, "refused", render(batch.refusal), write=False)
        if batch.status is ImportStatus.mapping or column_map:
            message = _apply_column_map(batch, column_map)
            if message:
                return _finish(batch, "refused", message, write=False)
        resident_import.check(batch)
    except ImportRefused as refused:
        db.session.rollback()
        return 1, _refused_early(path, estate_code, str(refused), estate)
    if dry_run:
        would_refuse = batch.invalid_count and not skip_invalid
        message = gettext("Dry run: nothing was written.")
        if would_refuse:
            message += " " + _invalid_message(batch)
        return _finish(batch, "dry_run", message, write=False, code=1 if would_refuse else 0)
    if batch.invalid_count and not skip_invalid:
        return _finish(batch, "refused", _invalid_message(batch), write=False)
    try:
        resident_import.confirm(batch)
        if not resident_import.commit(batch):
            message = gettext("Residents of this estate changed during the import; run it again.")
            return _finish(batch, "refused", message, write=False)
    except IntegrityError:
        db.session.rollback()
        return 1, _refused_early(path, estate_code, render(Problem("collision").as_json()), estate)
    summary = report.describe(batch, "imported", gettext("Imported (batch #%(id)s).", id=batch.id))
    db.session.commit()
    return 0, summary


def _apply_column_map(batch, column_map: tuple[str, ...]) -> str:
    """Apply --map HEADER=FIELD to the automatic matching; the refusal text, or ""."""
    mapping = list(batch.mapping or [])
    keys = [columns.header_key(h) for h in batch.header or []]
    for item in column_map:
        header, _, field = item.partition("=")
        field = field.strip()
        field = columns.IGNORE if field == "ignore" else field
        fields = columns.known_fields(batch.kind == "units")
        if field not in (*fields, columns.IGNORE):
            return gettext(
                "Unknown field %(field)s; fields: %(fields)s, ignore.",
                field=field,
                fields=", ".join(fields),
            )
        key = columns.header_key(header)
        if key not in keys:
            return gettext("The file has no column %(header)s.", header=header)
        mapping[keys.index(key)] = field
    unknown = [h for h, m in zip(batch.header or [], mapping, strict=True) if m is None]
    if unknown:
        return gettext(
            'Unknown columns: %(columns)s. Match them with --map "HEADER=FIELD" (fields: %(fields)s) or --map "HEADER=ignore".',
            columns=", ".join(unknown),
            fields=", ".join(columns.FIELDS),
        )
    try:
        resident_import.choose_columns(batch, [m or columns.IGNORE for m in mapping])
    except ImportRefused as refused:
        return str(refused)
    return ""


def _invalid_message(batch) -> str:
    return gettext(
        "%(count)s rows are invalid: nothing was imported. Fix them, or import the valid rows with --skip-invalid.",
        count=batch.invalid_count,
    )


def _finish(batch, status: str, message: str, *, write: bool, code: int = 1) -> tuple[int, dict]:
    db.session.flush()
    summary = report.describe(batch, status, message)
    if not write:
        db.session.rollback()
    return code, summary


def _refused_early(path: Path, estate_code: str, message: str, estate=None) -> dict:
    return {
        "status": "refused",
        "message": message,
        "batch_id": None,
        "file": path.name,
        "format": "",
        "encoding": "",
        "delimiter": "",
        "estate": {"code": estate_code, "name": estate.name if estate else ""},
        "counts": dict.fromkeys(
            ("total", "new", "updated", "unchanged", "invalid", "duplicates", "units"), 0
        ),
        "invalid": [],
        "updates": [],
        "duplicates": [],
    }
