"""The residents' survey links: "<household id>.<nonce>.<signature>", signed with the app's
keys (old keys still verify until their date), valid until the survey closes, once."""

from __future__ import annotations

import hashlib
import re
from enum import Enum

from itsdangerous import BadSignature, Signer

from admin_app import clock, secret_keys
from admin_app.extensions import db
from admin_app.models import Estate, SurveyHousehold

SALT = "wuye.survey-link"
PAYLOAD = re.compile(r"^(\d{1,12})\.([0-9a-f]{8,32})$")
MAX_TOKEN = 200


class LinkState(Enum):
    open = "open"
    forged = "forged"  # not signed by us, damaged, or voided by a new nonce
    other_estate = "other_estate"  # a real link, opened at another estate's address
    expired = "expired"  # the survey closed
    answered = "answered"  # this household has answered already


def _signer() -> Signer:
    return Signer(secret_keys.verifying_keys(), salt=SALT, digest_method=hashlib.sha256)


def token_for(household: SurveyHousehold) -> str:
    return _signer().sign(f"{household.id}.{household.nonce}").decode("ascii")


def read(token: str, estate: Estate | None) -> tuple[LinkState, SurveyHousehold | None]:
    """What a link opened at `estate`'s address is worth now (nothing is written)."""
    try:
        payload = _signer().unsign((token or "")[:MAX_TOKEN]).decode("ascii")
    except (BadSignature, UnicodeDecodeError):
        return LinkState.forged, None
    match = PAYLOAD.match(payload)
    if match is None:
        return LinkState.forged, None
    household = db.session.get(SurveyHousehold, int(match.group(1)))
    if household is None or household.nonce != match.group(2):
        return LinkState.forged, None
    if estate is None or household.survey.estate_id != estate.id:
        return LinkState.other_estate, None
    if household.answered_at is not None:
        return LinkState.answered, household
    if clock.today() > household.survey.closes_on:
        return LinkState.expired, household
    return LinkState.open, household
