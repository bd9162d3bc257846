"""`flask --app wsgi purge`: the retention run by hand, with the count per kind."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would go; change nothing.")
@with_appcontext
def purge_command(dry_run):
    """Forget trail records past their age (RETENTION_* settings) and anonymise households
    that moved out long ago; prints the count per kind."""
    from admin_app.retention.jobs import ANONYMISED, purge_expired, run

    counts = run(dry_run=True) if dry_run else purge_expired()
    for name, count in counts.items():
        verb = "anonymise" if name == ANONYMISED else "purge"
        done = f"would {verb}" if dry_run else f"{verb}d"
        click.echo(f"{done} {name}: {count}")
