"""The gate check (门岗查验): what a scanned code, a typed pass number or a plate is worth here
and now, logged every time.

A printed pass carries a signed token, not its row id: "w.<id>.<nonce>.<signature>", signed
with the app's SECRET_KEY (HMAC-SHA256, itsdangerous; old keys still verify until their date).
Changing any character breaks the signature ("forged"); reissuing a pass rotates its nonce, so
copies printed before are "voided".
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, Signer

from admin_app import clock, secret_keys, validation
from admin_app.extensions import db
from admin_app.models import (
    CheckMethod,
    Estate,
    GateCheck,
    GateResult,
    PassKind,
    ReleasePass,
    VehiclePass,
    WorkerPass,
)
from admin_app.passes.operations import verdict
from admin_app.services.errors import ServiceError

TOKEN_SALT = "wuye.pass-token"  # noqa: S105 - a namespace for the signature, not a secret
KINDS = {
    "w": (WorkerPass, PassKind.worker),
    "v": (VehiclePass, PassKind.vehicle),
    "r": (ReleasePass, PassKind.release),
}
CODE_OF = {model: code for code, (model, _) in KINDS.items()}
KIND_OF = {model: kind for model, kind in KINDS.values()}
BY_PREFIX = {"WP": WorkerPass, "VP": VehiclePass, "RP": ReleasePass}
# Anything that starts like a token is judged as one: a damaged code is "forged", not "unknown".
TOKEN_START = re.compile(r"^[wvr]\.\d")
TOKEN_PAYLOAD = re.compile(r"^([wvr])\.(\d{1,12})\.([0-9a-f]{8,32})$")
NUMBER = re.compile(r"^(?:([A-Z0-9]{1,16})-)?(WP|VP|RP)(\d{4})-(\d{1,6})$")
MAX_INPUT = 200


def _signer() -> Signer:
    """Signs with SECRET_KEY; verifies with it and with the old keys still accepted today, so
    a key change does not void the passes already printed (admin_app/secret_keys.py)."""
    return Signer(secret_keys.verifying_keys(), salt=TOKEN_SALT, digest_method=hashlib.sha256)


def token_for(record) -> str:
    payload = f"{CODE_OF[type(record)]}.{record.id}.{record.token_nonce}"
    return _signer().sign(payload).decode("ascii")


@dataclass
class Reading:
    result: GateResult
    method: CheckMethod
    logged_input: str
    record: object | None = None  # the pass, if one was found (whatever its estate)


def read(raw: str, gate_estate: Estate) -> Reading:
    """Judge what was scanned or typed at the gate of `gate_estate` (nothing is written)."""
    text = "".join(validation.fold(raw).split())[:MAX_INPUT]
    if not text:
        raise ServiceError(_l("Scan a pass, or type its number or the plate."))
    if TOKEN_START.match(text):
        return _read_token(text, gate_estate)
    return _read_typed(text, gate_estate)


def _read_token(text: str, gate_estate: Estate) -> Reading:
    try:
        payload = _signer().unsign(text).decode("ascii")
    except (BadSignature, UnicodeDecodeError):
        return Reading(GateResult.forged, CheckMethod.scanned, text)
    match = TOKEN_PAYLOAD.match(payload)
    if match is None:  # signed by us, but not a pass token: treat as a tampered code
        return Reading(GateResult.forged, CheckMethod.scanned, text)
    code, record_id, nonce = match.groups()
    model, _ = KINDS[code]
    record = db.session.get(model, int(record_id))
    # The signature is left out of the log: the log must not reprint a working code.
    logged = f"{payload}.…"
    if record is None:
        return Reading(GateResult.unknown, CheckMethod.scanned, logged)
    if record.estate_id != gate_estate.id:
        return Reading(GateResult.other_estate, CheckMethod.scanned, logged, record)
    if record.token_nonce != nonce:
        return Reading(GateResult.voided, CheckMethod.scanned, logged, record)
    return Reading(verdict(record, clock.today()), CheckMethod.scanned, logged, record)


def _read_typed(text: str, gate_estate: Estate) -> Reading:
    upper = text.upper()
    number = NUMBER.match(upper)
    if number is not None:
        estate_code, prefix = number.group(1), number.group(2)
        full = upper if estate_code else f"{gate_estate.code}-{upper}"
        model = BY_PREFIX[prefix]
        record = db.session.query(model).filter(model.number == full).one_or_none()
        if record is None:
            return Reading(GateResult.unknown, CheckMethod.typed, text)
        return _judge(record, gate_estate, text)
    plate = validation.normalise_plate(text)
    if validation.is_plate(plate):
        return _read_plate([plate], gate_estate, text)
    plates = validation.plates_without_province(plate)
    if plates:
        return _read_plate(plates, gate_estate, text)
    return Reading(GateResult.unknown, CheckMethod.typed, text)


def _read_plate(plates: list[str], gate_estate: Estate, text: str) -> Reading:
    """`plates`: the plate typed, or the plates it may be when typed without its province.
    Two cars of this estate differing only by province are no answer: unknown, and the guard
    types the province."""
    candidates = (
        db.session.query(VehiclePass)
        .filter(VehiclePass.plate.in_(plates))
        .order_by(VehiclePass.id.desc())
        .limit(50)
        .all()
    )
    here_plates = {v.plate for v in candidates if v.estate_id == gate_estate.id}
    if len(here_plates) > 1 or (not here_plates and len({v.plate for v in candidates}) > 1):
        return Reading(GateResult.unknown, CheckMethod.typed, text)
    here = [v for v in candidates if v.estate_id == gate_estate.id]
    if not here:
        if candidates:
            return Reading(GateResult.other_estate, CheckMethod.typed, text, candidates[0])
        return Reading(GateResult.unknown, CheckMethod.typed, text)
    today = clock.today()
    # Several passes for one plate (last year's, this month's): the valid one speaks.
    best = next((v for v in here if verdict(v, today) is GateResult.valid), here[0])
    return _judge(best, gate_estate, text)


def _judge(record, gate_estate: Estate, text: str) -> Reading:
    if record.estate_id != gate_estate.id:
        return Reading(GateResult.other_estate, CheckMethod.typed, text, record)
    return Reading(verdict(record, clock.today()), CheckMethod.typed, text, record)


def check(raw: str, actor, *, gate_estate: Estate) -> GateCheck:
    """Judge and log one check. The caller commits (the request)."""
    reading = read(raw, gate_estate)
    record = reading.record
    entry = GateCheck(
        estate_id=gate_estate.id,
        checked_at=clock.now(),
        checked_by_id=actor.id,
        method=reading.method,
        scanned=reading.logged_input,
        result=reading.result,
        pass_kind=KIND_OF[type(record)] if record is not None else None,
        pass_id=record.id if record is not None else None,
        pass_number=record.number if record is not None else None,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def pass_of(entry: GateCheck):
    """The pass a logged check found, if it is of the gate's own estate (else: no details)."""
    if entry.pass_kind is None or entry.pass_id is None:
        return None
    model = next(m for m, kind in KIND_OF.items() if kind is entry.pass_kind)
    record = db.session.get(model, entry.pass_id)
    if record is None or record.estate_id != entry.estate_id:
        return None
    return record
