"""Flask commands: `flask --app wsgi seed demo`, `staff create`, `translations compile`, …"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from admin_app.extensions import db

seed_cli = AppGroup("seed", help="Demo data and large benchmark datasets.")
staff_cli = AppGroup("staff", help="Staff accounts.")
translations_cli = AppGroup("translations", help="Message catalogs.")
reminders_cli = AppGroup("reminders", help="Deadline reminders.")
statistics_cli = AppGroup("statistics", help="The monthly counts behind the statistics page.")


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
    from admin_app.models import Estate
    from admin_app.services import accounts
    from admin_app.services.errors import ServiceError

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
    from admin_app.translations_build import compile_catalogs

    for line in compile_catalogs():
        click.echo(line)


@translations_cli.command("update")
def translations_update():
    """Add new strings from the code to every catalog (English filled with the msgid)."""
    from admin_app.translations_build import update

    for locale, missing in update().items():
        click.echo(f"{locale}: {missing} untranslated")


@translations_cli.command("merge")
@click.argument("locale")
@click.argument("json_file", type=click.Path(exists=True, dir_okay=False))
def translations_merge(locale, json_file):
    """Fill translations from a JSON object {msgid: translation}."""
    from admin_app.translations_build import merge_file

    click.echo(f"filled {merge_file(locale, json_file)} messages")


@click.command("worker")
@click.option(
    "--queues", default="reminders,default", show_default=True, help="Comma-separated queues."
)
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@with_appcontext
def worker(queues, burst):
    """Run an RQ worker (with its scheduler) inside the app; needs REDIS_URL."""
    from flask import current_app
    from rq import Worker

    from admin_app import redis as app_redis

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: background jobs run in-process.")
    names = [name.strip() for name in queues.split(",") if name.strip()]
    Worker(names, connection=app_redis.connection()).work(with_scheduler=True, burst=burst)


@click.command("scheduler")
@with_appcontext
def scheduler():
    """Run rq's cron scheduler: the reminder sweep every REMINDER_SWEEP_SECONDS (needs
    REDIS_URL; run one or more `worker` processes next to it). Waits out Redis outages."""
    import time

    from flask import current_app
    from redis.exceptions import RedisError
    from rq.cron import CronScheduler

    from admin_app import redis as app_redis

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: the sweep runs inside the web process.")
    while True:
        cron = CronScheduler(connection=app_redis.connection())
        cron.load_config_from_file("admin_app.cron")
        try:
            cron.start()  # returns on SIGINT / SIGTERM
            return
        except RedisError as error:
            click.echo(f"Redis unreachable ({error}); retrying in 5 seconds", err=True)
            time.sleep(5)


@reminders_cli.command("sweep")
def reminders_sweep():
    """One sweep now: hand out every due reminder (enqueued on RQ, or delivered here)."""
    from admin_app import redis as app_redis
    from admin_app.jobs.reminders import sweep_once

    click.echo(f"handed out {sweep_once(inline=not app_redis.configured())} reminders")


@reminders_cli.command("rebuild")
def reminders_rebuild():
    """Re-plan the reminders of every record with a deadline (after changing the rules or
    the office hours, or after changing records with bulk SQL)."""
    from admin_app.services import reminders

    seen = reminders.rebuild()
    db.session.commit()
    click.echo(f"re-planned reminders of {seen} records")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path):
    """Back up the database to PATH (PostgreSQL: pg_dump's custom format; SQLite: a copy made
    with the online backup API, safe while the panel runs). Daily, and before every upgrade."""
    from admin_app import backup

    try:
        click.echo(backup.backup(path))
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True, help="Drop what the database holds first.")
@with_appcontext
def restore_command(path, replace):
    """Restore a backup made by `backup` into the configured database (an empty one, unless
    --replace). Stop the web, worker and scheduler processes first."""
    from admin_app import backup

    try:
        click.echo(backup.restore(path, replace=replace))
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None


@statistics_cli.command("rebuild")
def statistics_rebuild():
    """Count the monthly figures again from the records: after rows were loaded behind the
    panel's back (COPY, a restore of an old backup, a hand-written SQL fix)."""
    from admin_app.services.statistics import rollups

    rollups.rebuild()
    db.session.commit()
    click.echo("statistics counted again")


def register(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(worker)
    app.cli.add_command(scheduler)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(staff_cli)
    app.cli.add_command(translations_cli)
    app.cli.add_command(statistics_cli)
    from admin_app.passes.cli import passes_cli

    app.cli.add_command(passes_cli)
    from admin_app.prices.cli import prices_cli

    app.cli.add_command(prices_cli)
    from admin_app.residents.cli import residents_cli, units_cli

    app.cli.add_command(residents_cli)
    app.cli.add_command(units_cli)
    from admin_app.retention.cli import purge_command

    app.cli.add_command(purge_command)
    from admin_app.resident_notices.cli import resident_texts_cli

    app.cli.add_command(resident_texts_cli)
