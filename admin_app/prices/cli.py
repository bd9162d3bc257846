"""`flask prices …`: the price list's housekeeping for a new installation or a new estate."""

from __future__ import annotations

import click
from flask.cli import AppGroup

prices_cli = AppGroup("prices", help="The price list (收费标准).")


@prices_cli.command("prefill-cleaning")
@click.option(
    "--estate", "estate_codes", multiple=True, help="Estate code (repeatable; all if none)."
)
def prefill_cleaning(estate_codes):
    """Add paid cleaning's items, prices empty, to each estate that has no cleaning items."""
    from admin_app.extensions import db
    from admin_app.models import Estate
    from admin_app.prices import operations as prices

    query = db.session.query(Estate).order_by(Estate.code)
    if estate_codes:
        query = query.filter(Estate.code.in_(estate_codes))
    for estate in query:
        click.echo(f"{estate.code}: {prices.prefill_cleaning(estate.id)} items added")
    db.session.commit()
