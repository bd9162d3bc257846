"""Flask commands: `flask --app wsgi seed demo`, `staff create`, `translations compile`, …"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from .extensions import db

seed_cli = AppGroup("seed", help="Demo data and large benchmark datasets.")
staff_cli = AppGroup("staff", help="Staff accounts.")
translations_cli = AppGroup("translations", help="Message catalogs.")
residents_cli = AppGroup("residents", help="Resident records.")


@seed_cli.command("demo")
def seed_demo():
    """Two estates, units, residents, one account per role, records in every state."""
    from seed.demo import seed_demo as run

    summary = run()
    db.session.commit()
    click.echo(summary)


@staff_cli.command("create")
@click.option("--username", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    required=True,
    type=click.Choice(["receptionist", "supervisor", "director", "technician", "guard", "admin"]),
)
@click.option("--estate", "estate_codes", multiple=True, help="Estate code (repeatable).")
@click.option("--all-estates", is_flag=True)
@click.password_option()
def staff_create(username, name, role, estate_codes, all_estates, password):
    from .models import Estate
    from .services import accounts
    from .services.errors import ServiceError

    estates = db.session.query(Estate).filter(Estate.code.in_(estate_codes)).all()
    missing = set(estate_codes) - {e.code for e in estates}
    if missing:
        raise click.ClickException(f"unknown estate code(s): {', '.join(sorted(missing))}")
    try:
        accounts.create_staff(
            username=username,
            password=password,
            name=name,
            role=role,
            estates=estates,
            all_estates=all_estates,
        )
    except ServiceError as refused:
        raise click.ClickException(str(refused)) from None
    db.session.commit()
    click.echo(f"created {username}")


@translations_cli.command("compile")
def translations_compile():
    """Compile the .po catalogs into .mo files (the install step runs this)."""
    from .translations_build import compile_catalogs

    for line in compile_catalogs():
        click.echo(line)


@translations_cli.command("update")
def translations_update():
    """Add new strings from the code to every catalog (English filled with the msgid)."""
    from .translations_build import update

    for locale, missing in update().items():
        click.echo(f"{locale}: {missing} untranslated")


@translations_cli.command("merge")
@click.argument("locale")
@click.argument("json_file", type=click.Path(exists=True, dir_okay=False))
def translations_merge(locale, json_file):
    """Fill translations from a JSON object {msgid: translation}."""
    from .translations_build import merge_file

    click.echo(f"filled {merge_file(locale, json_file)} messages")


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
    import json
    from pathlib import Path

    from flask import current_app
    from flask_babel import force_locale

    from .cli_import import run_import
    from .services.importing import report

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


@click.command("worker")
@click.option("--queues", default="default", show_default=True, help="Comma-separated queues.")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@with_appcontext
def worker(queues, burst):
    """Run an RQ worker (with its scheduler) inside the app; needs REDIS_URL."""
    from flask import current_app
    from rq import Worker

    from .jobs.queue import redis_connection

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: background jobs run in-process.")
    names = [name.strip() for name in queues.split(",") if name.strip()]
    Worker(names, connection=redis_connection()).work(with_scheduler=True, burst=burst)


def register(app: Flask) -> None:
    app.cli.add_command(worker)
    app.cli.add_command(seed_cli)
    app.cli.add_command(staff_cli)
    app.cli.add_command(translations_cli)
    app.cli.add_command(residents_cli)


def main() -> None:
    """Console entry `wuye-admin …`: the same commands as `flask --app wsgi …`."""
    from flask.cli import FlaskGroup

    from . import create_app

    FlaskGroup(create_app=create_app)()
