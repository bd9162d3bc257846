"""The estate's choice of events to text its households about, and each household's own
choices (no texts; the language they come in). Verbs: screens, the portal and the CLI call
these."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import lazyload

from admin_app.auth.permissions import may
from admin_app.auth.scope import estate_allowed
from admin_app.extensions import db
from admin_app.models import EstateNotices, HouseholdSetting, NoticeEvent, Unit
from admin_app.services import history
from admin_app.services.errors import Forbidden, ServiceError

# A household's language named in the reader's own (the language links name each in itself).
LANGUAGE_NAMES = {"zh_Hans_CN": _l("Chinese"), "en": _l("English")}


# The estates' choices read in this transaction: a batch asks once per record (3,000
# dispatches were 3,000 lookups, most for estates that text nothing, so the identity map
# could not answer them). Forgotten at commit and rollback (outbox.install) and on a change.
KNOWN_EVENTS = "resident_notices.estate_events"


def estate_events(estate_id: int) -> set[NoticeEvent]:
    """The events the estate texts about (empty: not configured, nothing is sent)."""
    known = db.session.info.get(KNOWN_EVENTS)
    if known is None:
        # Every estate's at once (a row per estate that chose any): a batch chunk's orders
        # span the supervisor's estates, and one query beats one per estate per chunk. A
        # code no longer offered is passed over, so one estate's old row cannot stop another's.
        offered = {event.value: event for event in NoticeEvent}
        known = db.session.info[KNOWN_EVENTS] = {
            row.estate_id: frozenset(offered[c] for c in row.event_set if c in offered)
            for row in db.session.query(EstateNotices)
        }
    return set(known.get(estate_id, ()))


def set_estate_events(estate, actor, events) -> None:
    """A supervisor (or the CLI, actor None) chooses the estate's events."""
    if actor is not None and not (
        may(actor, "estate.change_settings") and estate_allowed(actor, estate.id)
    ):
        raise Forbidden(_l("Your role may not do this."))
    try:
        codes = sorted({NoticeEvent(str(getattr(e, "value", e))).value for e in events or ()})
    except ValueError:
        raise ServiceError(_l("Choose the events from the list.")) from None
    with history.action("set_resident_notices", actor=actor):
        row = db.session.get(EstateNotices, estate.id)
        if row is None:
            row = EstateNotices(estate_id=estate.id)
            db.session.add(row)
        row.events = ",".join(codes)
        db.session.flush()
    db.session.info.pop(KNOWN_EVENTS, None)


def household(unit_id: int) -> HouseholdSetting | None:
    # Its own columns only: the estate it names is not read through it.
    query = db.session.query(HouseholdSetting).options(lazyload("*"))
    return query.filter_by(unit_id=unit_id).one_or_none()


def language_of(unit_id: int) -> str:
    return _language(household(unit_id))


def _language(found: HouseholdSetting | None) -> str:
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if found is None or found.language not in current_app.config["LANGUAGES"]:
        return default
    return found.language


def opted_out(unit_id: int) -> bool:
    found = household(unit_id)
    return bool(found and found.sms_opt_out)


def set_household(
    unit: Unit, actor, *, sms_opt_out: bool | None = None, language: str | None = None
) -> HouseholdSetting:
    """The household's choices, changed by the resident (portal) or the desk for them. The
    caller has checked that `actor` may act for this household."""
    if language is not None and language not in current_app.config["LANGUAGES"]:
        raise ServiceError(_l("Choose the language from the list."))
    with history.action("set_household_notices", actor=actor):
        found = household(unit.id)
        if found is None:
            found = HouseholdSetting(unit_id=unit.id, estate_id=unit.estate_id)
            db.session.add(found)
        if sms_opt_out is not None:
            found.sms_opt_out = bool(sms_opt_out)
        if language is not None:
            found.language = language
        db.session.flush()
    return found


def describe(unit_id: int) -> str:
    """The household's choice in words, for the staff's household page."""
    found = household(unit_id)
    if found and found.sms_opt_out:
        return gettext("Text messages about repairs: the household asked for none.")
    code = _language(found)
    language = LANGUAGE_NAMES.get(code) or current_app.config["LANGUAGES"].get(code, code)
    return gettext("Text messages about repairs: yes, in %(language)s.", language=language)
