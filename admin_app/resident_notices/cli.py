"""`flask resident-texts …`: which events an estate texts its households about."""

from __future__ import annotations

import click
from flask.cli import AppGroup

resident_texts_cli = AppGroup("resident-texts", help="Texts to residents about their repairs.")


@resident_texts_cli.command("events")
@click.argument("estate_code")
@click.argument("events", default="")
def set_events(estate_code: str, events: str):
    """Set ESTATE_CODE's events, comma-separated (dispatched,arrived,done,rating); none to
    stop. Without EVENTS, show them."""
    from admin_app.extensions import db
    from admin_app.models import Estate, NoticeEvent
    from admin_app.resident_notices import settings
    from admin_app.services.errors import ServiceError

    estate = db.session.query(Estate).filter_by(code=estate_code).one_or_none()
    if estate is None:
        raise click.ClickException(f"no estate {estate_code}")
    if events:
        codes = [] if events == "none" else [e.strip() for e in events.split(",") if e.strip()]
        try:
            settings.set_estate_events(estate, None, codes)
        except ServiceError as error:
            raise click.ClickException(
                f"{error}: choose from {', '.join(e.value for e in NoticeEvent)}"
            ) from None
        db.session.commit()
    chosen = sorted(e.value for e in settings.estate_events(estate.id))
    click.echo(f"{estate.code}: {', '.join(chosen) or 'none'}")
