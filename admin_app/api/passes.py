"""Passes through the API: a vehicle pass applied for (the same rules as the front desk's
form; approval stays with the office), and the gate's check — is this code, pass number or
plate good here, now — logged like the guard's."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext

from admin_app import clock, validation
from admin_app.api import records
from admin_app.api.access import Integration, estate_of, needs
from admin_app.api.blueprint import bp
from admin_app.api.errors import ApiError
from admin_app.api.inputs import body
from admin_app.api.listing import of_estate
from admin_app.extensions import db
from admin_app.models import Estate, GateResult, Resident, Unit, VehiclePass, VehicleType
from admin_app.passes import gate
from admin_app.passes import operations as passes
from admin_app.services.errors import ServiceError


@bp.route("/passes", methods=("POST",))
@needs("passes:write")
def pass_create(integration: Integration):
    reader = body()
    estate_id = estate_of(integration, reader.source.get("estate_id"))
    plate = validation.normalise_plate(reader.text("plate", 16, required=True) or "")
    if "plate" not in reader.faults and not validation.is_plate(plate):
        reader.faults["plate"] = gettext(
            "This is not a valid plate number (e.g. 粤B12345, or 粤BD12345 for a new-energy vehicle)."
        )
    record = VehiclePass(
        estate_id=estate_id,
        plate=plate,
        is_new_energy=validation.is_new_energy_plate(plate) if plate else False,
        vehicle_type=reader.choice("vehicle_type", VehicleType, default=VehicleType.car),
        parking_space=reader.text("parking_space", 32),
        valid_from=reader.day("valid_from"),
        valid_until=reader.day("valid_until"),
    )
    record.unit = of_estate(Unit, reader, "unit_id", estate_id)
    record.resident = of_estate(Resident, reader, "resident_id", estate_id)
    reader.done()
    try:
        passes.check_application(record, is_new=True)
        db.session.add(record)
        passes.announce_application(record)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        raise ApiError(422, str(error)) from None
    return jsonify(records.vehicle_pass(record)), 201


@bp.route("/passes/check", methods=("POST",))
@needs("passes:read")
def pass_check(integration: Integration):
    reader = body()
    estate_id = estate_of(integration, reader.source.get("estate_id"))
    code = reader.text("code", gate.MAX_INPUT, required=True)
    reader.done()
    try:
        entry = gate.check(code, integration, gate_estate=db.session.get(Estate, estate_id))
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        raise ApiError(422, str(error)) from None
    found = gate.pass_of(entry)
    return jsonify(
        {
            "valid": entry.result is GateResult.valid,
            "result": records.state(entry.result),
            "checked_at": records.when(entry.checked_at),
            # Details only of a pass of this gate's estate (another estate's stays unknown).
            "pass": _pass_details(found),
        }
    )


def _pass_details(record) -> dict | None:
    if record is None:
        return None
    return {
        "number": record.number,
        "kind": gate.KIND_OF[type(record)].value,
        "status": records.state(record.status),
        "valid_from": records.when(record.valid_from),
        "valid_until": records.when(record.valid_until),
        "plate": getattr(record, "plate", None),
        "today": records.when(clock.today()),
    }
