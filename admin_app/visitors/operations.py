"""The verbs of the visitor register and the parcels signed for on a resident's behalf: let a
visitor in, let him out, sign for a parcel once the resident confirmed it on the phone, hand
it over against the resident's signature. Each checks, changes, writes history and flushes;
the caller commits."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from admin_app import clock, validation
from admin_app.auth.checks import check_may
from admin_app.extensions import db
from admin_app.models import Parcel, ParcelStatus, Resident, ResidentRole, Unit, Visitor, VisitPoint
from admin_app.services import history, storage
from admin_app.services.errors import ServiceError

# A household, not a register: more than this in one unit is a data error, not people to call.
RESIDENTS_SHOWN = 12
NAME_MAX, PLATE_MAX, DESCRIPTION_MAX, CARRIER_MAX = 50, 16, 200, 50
# A confirmation typed with a wrong clock is refused past this much in the future.
CLOCK_SLACK = timedelta(minutes=5)


def _unit_of(unit: Unit | None, estate_id: int) -> Unit:
    if unit is None:
        raise ServiceError(_l("Choose the unit they visit."))
    if unit.estate_id != estate_id:
        raise ServiceError(_l("This unit is not in this estate."))
    return unit


def clean_phone(raw: str | None, *, required: bool) -> str | None:
    phone = validation.checked_phone(raw)
    if phone is None and required:
        raise ServiceError(_l("Enter the visitor's phone number."))
    return phone


def clean_plate(raw: str | None) -> str | None:
    plate = validation.normalise_plate(raw)
    if not plate:
        return None
    if not validation.is_plate(plate):
        raise ServiceError(
            _l("“%(plate)s” is not a plate number."), plate=validation.one_line(raw, PLATE_MAX)
        )
    return plate


# ---- visitors -----------------------------------------------------------------------------
def register_visitor(
    actor,
    *,
    estate_id: int,
    unit: Unit | None,
    name: str,
    phone: str | None,
    host_name: str | None = None,
    plate: str | None = None,
    point: VisitPoint = VisitPoint.gate,
) -> Visitor:
    """A visitor comes in: who, how to reach them, whom they visit, and the car if any."""
    check_may(actor, "visitor.register", estate_id)
    name = validation.one_line(name, NAME_MAX)
    if not name:
        raise ServiceError(_l("Enter the visitor's name."))
    visitor = Visitor(
        estate_id=estate_id,
        unit=_unit_of(unit, estate_id),
        name=name,
        phone=clean_phone(phone, required=True),
        host_name=validation.one_line(host_name, NAME_MAX) or None,
        plate=clean_plate(plate),
        point=point,
        in_at=clock.now(),
        in_by_id=actor.id,
    )
    with history.action("visitor_in", actor=actor):
        db.session.add(visitor)
        db.session.flush()
    return visitor


def sign_out(visitor: Visitor, actor) -> None:
    """The visitor leaves (one tap on the list of those still inside)."""
    check_may(actor, "visitor.sign_out", visitor.estate_id)
    if visitor.out_at is not None:
        raise ServiceError(
            _l("%(name)s already left at %(time)s."),
            name=visitor.name,
            time=f"{visitor.out_at:%H:%M}",
        )
    with history.action("visitor_out", actor=actor):
        visitor.out_at = clock.now()
        visitor.out_by_id = actor.id
        db.session.flush()


def still_inside(estate_id: int):
    """The visitors of an estate not signed out yet, the latest first."""
    return (
        db.session.query(Visitor)
        .filter(Visitor.estate_id == estate_id, Visitor.out_at.is_(None))
        .order_by(Visitor.in_at.desc(), Visitor.id.desc())
    )


# ---- parcels ------------------------------------------------------------------------------
def collect_due(received_at: datetime) -> datetime:
    return received_at + timedelta(days=current_app.config["PARCEL_COLLECT_DAYS"])


def residents_to_call(unit: Unit) -> list[Resident]:
    """Whom to phone before signing for a parcel: the unit's residents still living there, the
    owner first (the one who answers for the flat), then tenants, then family."""
    order = {ResidentRole.owner: 0, ResidentRole.tenant: 1, ResidentRole.family: 2}
    found = (
        db.session.query(Resident)
        .filter(Resident.unit_id == unit.id, Resident.living_on(clock.today()))
        .order_by(Resident.id)
        .limit(RESIDENTS_SHOWN)
        .all()
    )
    return sorted(found, key=lambda r: order.get(r.role, 3))


def receive_parcel(
    actor,
    *,
    estate_id: int,
    unit: Unit | None,
    recipient_name: str,
    description: str,
    confirmed_by: str | None,
    confirmed_at: datetime | None,
    carrier: str | None = None,
) -> Parcel:
    """Sign for a resident's large parcel: only after the resident confirmed it on the phone,
    and the confirmation (who, when) is written on the record [001 三(三)2(7)]."""
    check_may(actor, "parcel.receive", estate_id)
    confirmed_by = validation.one_line(confirmed_by, NAME_MAX)
    if not confirmed_by or confirmed_at is None:
        raise ServiceError(
            _l("Call the resident first: a parcel is signed for only once they confirmed it.")
        )
    now = clock.now()
    if confirmed_at > now + CLOCK_SLACK:
        raise ServiceError(_l("The phone confirmation cannot be in the future."))
    recipient_name = validation.one_line(recipient_name, NAME_MAX)
    if not recipient_name:
        raise ServiceError(_l("Enter whom the parcel is for."))
    description = validation.one_line(description, DESCRIPTION_MAX)
    if not description:
        raise ServiceError(_l("Describe the parcel (what it is, how many pieces)."))
    if unit is None:
        raise ServiceError(_l("Choose the unit the parcel is for."))
    parcel = Parcel(
        estate_id=estate_id,
        unit=_unit_of(unit, estate_id),
        recipient_name=recipient_name,
        description=description,
        carrier=validation.one_line(carrier, CARRIER_MAX) or None,
        confirmed_by=confirmed_by,
        confirmed_at=confirmed_at,
        received_at=now,
        received_by_id=actor.id,
        collect_due_at=collect_due(now),
        status=ParcelStatus.waiting,
    )
    with history.action("parcel_received", actor=actor):
        db.session.add(parcel)
        db.session.flush()
    return parcel


def hand_over(parcel: Parcel, actor, *, collected_by: str, signature_png: bytes) -> None:
    """The resident (or someone of the household) takes the parcel and signs for it."""
    check_may(actor, "parcel.hand_over", parcel.estate_id)
    if parcel.status is ParcelStatus.handed_over:
        raise ServiceError(
            _l("%(number)s was already handed over to %(name)s."),
            number=parcel.number,
            name=parcel.collected_by or "",
        )
    collected_by = validation.one_line(collected_by, NAME_MAX)
    if not collected_by:
        raise ServiceError(_l("Enter the name of the person who signs."))
    if not signature_png:
        raise ServiceError(_l("The resident has not signed yet."))
    with history.action("parcel_handed_over", actor=actor):
        stored = storage.save_image(
            signature_png,
            filename=f"signature-{parcel.number}.png",
            estate_id=parcel.estate_id,
            created_by_id=actor.id,
        )
        parcel.signature_file_id = stored.id
        parcel.collected_by = collected_by
        parcel.handed_over_at = clock.now()
        parcel.handed_over_by_id = actor.id
        parcel.status = ParcelStatus.handed_over
        db.session.flush()


def waiting_parcels(estate_id: int):
    """The parcels of an estate still at the desk, the oldest first."""
    return (
        db.session.query(Parcel)
        .filter(Parcel.estate_id == estate_id, Parcel.status == ParcelStatus.waiting)
        .order_by(Parcel.received_at, Parcel.id)
    )
