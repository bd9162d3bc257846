"""`flask passes …`: pass housekeeping for scripts and cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

passes_cli = AppGroup("passes", help="Passes: housekeeping.")


@passes_cli.command("expire")
def passes_expire():
    """Mark approved passes whose last day has passed as expired (run daily)."""
    from admin_app.passes.jobs import expire_lapsed_passes

    click.echo(f"expired {expire_lapsed_passes()} passes")
