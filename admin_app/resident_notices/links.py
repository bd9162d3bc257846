"""One-purpose links (rate this repair, answer this survey): "<id>.<nonce>.<signature>",
signed with the app's keys (secret_keys.py, like surveys/links.py), valid until their expiry,
spent once used (the used state is in the database), bound to one household and one record.
Opening one grants that page only: nobody is signed in."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from enum import Enum

from flask import current_app
from itsdangerous import BadSignature, Signer
from sqlalchemy import update

from admin_app import clock, secret_keys
from admin_app.extensions import db
from admin_app.models import LinkPurpose, PurposeLink, SurveyHousehold, WorkOrder

SALT = "wuye.purpose-link"
PAYLOAD = re.compile(r"^(\d{1,12})\.([0-9a-f]{16,32})$")
MAX_TOKEN = 200
DEFAULT_DAYS = 7
PATH = "/r/l/"


class LinkState(Enum):
    open = "open"
    forged = "forged"  # not signed by us, damaged, or not a link we issued
    expired = "expired"
    used = "used"
    other_household = "other_household"  # the record is not (or no longer) the household's


def _signer() -> Signer:
    return Signer(secret_keys.verifying_keys(), salt=SALT, digest_method=hashlib.sha256)


def issue(purpose: LinkPurpose, *, estate_id: int, unit_id: int, record_id: int) -> str:
    """A new link for the household's one record; returns its token (flushed, not committed)."""
    days = int(current_app.config.get("RESIDENT_LINK_DAYS", DEFAULT_DAYS))
    link = PurposeLink(
        purpose=purpose,
        estate_id=estate_id,
        unit_id=unit_id,
        record_id=record_id,
        nonce=secrets.token_hex(12),
        expires_at=clock.now() + timedelta(days=days),
    )
    db.session.add(link)
    db.session.flush()
    return token_for(link)


def path_for(token: str) -> str:
    """The page's address (portal/links.py serves it): built without a request, since a job
    may write the text."""
    return f"{PATH}{token}"


def token_for(link: PurposeLink) -> str:
    return _signer().sign(f"{link.id}.{link.nonce}").decode("ascii")


def read(token: str, purpose: LinkPurpose | None = None) -> tuple[LinkState, PurposeLink | None]:
    """What a link is worth now (nothing is written)."""
    try:
        payload = _signer().unsign((token or "")[:MAX_TOKEN]).decode("ascii")
    except (BadSignature, UnicodeDecodeError):
        return LinkState.forged, None
    match = PAYLOAD.match(payload)
    if match is None:
        return LinkState.forged, None
    link = db.session.get(PurposeLink, int(match.group(1)))
    if link is None or not secrets.compare_digest(link.nonce, match.group(2)):
        return LinkState.forged, None
    if purpose is not None and link.purpose is not purpose:
        return LinkState.forged, None
    if link.used_at is not None:
        return LinkState.used, link
    if clock.now() > link.expires_at:
        return LinkState.expired, link
    if record_of(link) is None:
        return LinkState.other_household, link
    return LinkState.open, link


def record_of(link: PurposeLink):
    """The link's record, only while it belongs to the link's household and estate."""
    model = WorkOrder if link.purpose is LinkPurpose.rate else SurveyHousehold
    record = db.session.get(model, link.record_id)
    if record is None or record.unit_id != link.unit_id:
        return None
    estate_id = record.survey.estate_id if model is SurveyHousehold else record.estate_id
    return record if estate_id == link.estate_id else None


def spend(link: PurposeLink) -> bool:
    """Mark the link used, once: of two submits at the same moment one wins (False for the
    other). In the caller's transaction, with the verb it served."""
    result = db.session.execute(
        update(PurposeLink)
        .where(PurposeLink.id == link.id, PurposeLink.used_at.is_(None))
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(link, ["used_at"])
    return result.rowcount == 1
