"""Records as the API shows them: states by value and by label (in the caller's language),
times in ISO 8601 with the office's offset (+08:00), residents' names and phones masked."""

from __future__ import annotations

from datetime import date, datetime

from admin_app import clock
from admin_app.services.reminders.channels import mask_phone


def when(value: date | datetime | None) -> str | None:
    """A date as 2026-12-03; a moment (stored as the office's wall-clock time) with the
    office's offset: 2026-12-03T14:30:00+08:00."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=clock.office_zone()).isoformat()
    return value.isoformat()


def state(value) -> dict | None:
    return {"value": value.value, "label": str(value)} if value is not None else None


def masked_name(name: str | None) -> str | None:
    """张三丰 → 张**: enough for "Mr Zhang?", not the whole name."""
    if not name:
        return None
    return name[0] + "*" * max(len(name) - 1, 1)


def masked_phone(phone: str | None) -> str | None:
    return mask_phone(phone) if phone else None


def unit(record) -> dict | None:
    if record is None:
        return None
    return {"id": record.id, "estate_id": record.estate_id, "label": record.label}


def ticket(record) -> dict:
    return {
        "id": record.id,
        "number": record.number,
        "estate_id": record.estate_id,
        "category": state(record.category),
        "channel": state(record.channel),
        "status": state(record.status),
        "unit": unit(record.unit),
        "resident_id": record.resident_id,
        "reporter_name": masked_name(record.reporter_name),
        "reporter_phone": masked_phone(record.reporter_phone),
        "location": record.location,
        "description": record.description,
        "request": record.request,
        "result": record.result,
        "received_at": when(record.received_at),
        "callback_due_at": when(record.callback_due_at),
        "resolved_at": when(record.resolved_at),
        "closed_at": when(record.closed_at),
        "work_orders": [
            {"id": o.id, "number": o.number, "status": state(o.status)}
            for o in sorted(record.work_orders, key=lambda o: o.id)
        ],
    }


def work_order(record) -> dict:
    return {
        "id": record.id,
        "number": record.number,
        "estate_id": record.estate_id,
        "ticket_id": record.ticket_id,
        "kind": state(record.kind),
        "trade": state(record.trade),
        "is_emergency": bool(record.is_emergency),
        "status": state(record.status),
        "unit": unit(record.unit),
        "location": record.location,
        "description": record.description,
        "technician": record.technician.name if record.technician is not None else None,
        "dispatched_at": when(record.dispatched_at),
        "arrive_by": when(record.arrive_by),
        "appointment_at": when(record.appointment_at),
        "arrived_at": when(record.arrived_at),
        "work_done_at": when(record.work_done_at),
        "closed_at": when(record.closed_at),
        "revisited_at": when(record.revisited_at),
        "satisfaction": state(record.satisfaction),
    }


def vehicle_pass(record) -> dict:
    return {
        "id": record.id,
        "number": record.number,
        "estate_id": record.estate_id,
        "plate": record.plate,
        "vehicle_type": state(record.vehicle_type),
        "status": state(record.status),
        "unit": unit(record.unit),
        "parking_space": record.parking_space,
        "valid_from": when(record.valid_from),
        "valid_until": when(record.valid_until),
    }


def resident(record) -> dict:
    return {
        "id": record.id,
        "name": masked_name(record.name),
        "phone": masked_phone(record.phone),
        "role": state(record.role),
        "unit": unit(record.unit),
    }
