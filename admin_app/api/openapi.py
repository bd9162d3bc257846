"""The OpenAPI 3 document of /api/v1, written out here; tests/api/test_openapi.py keeps it and
the blueprint's routes in step, and schemathesis checks real answers against it."""

from __future__ import annotations

from admin_app.api.tokens import SCOPES
from admin_app.models import (
    Channel,
    ComplaintCode,
    GateResult,
    TicketCategory,
    TicketStatus,
    Trade,
    VehicleType,
    WorkOrderKind,
    WorkOrderStatus,
)


def values(choice) -> list[str]:
    return [m.value for m in choice]


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    if "type" in schema:
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


STRING, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
MOMENT = {"type": "string", "format": "date-time"}
DAY = {"type": "string", "format": "date"}
RECORD_ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def obj(properties: dict, required=None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


SCHEMAS = {
    "State": obj({"value": STRING, "label": STRING}),
    "Unit": obj({"id": INTEGER, "estate_id": INTEGER, "label": STRING}),
    "Error": obj(
        {
            "error": obj(
                {
                    "status": INTEGER,
                    "message": STRING,
                    "fields": {"type": "object", "additionalProperties": STRING},
                },
                required=["status", "message"],
            )
        }
    ),
    "WorkOrderBrief": obj({"id": INTEGER, "number": STRING, "status": ref("State")}),
    "Ticket": obj(
        {
            "id": INTEGER,
            "number": STRING,
            "estate_id": INTEGER,
            "category": ref("State"),
            "channel": ref("State"),
            "status": ref("State"),
            "unit": nullable(ref("Unit")),
            "resident_id": nullable(INTEGER),
            "reporter_name": nullable(STRING),
            "reporter_phone": nullable(STRING),
            "location": nullable(STRING),
            "description": STRING,
            "request": nullable(STRING),
            "result": nullable(STRING),
            "received_at": MOMENT,
            "callback_due_at": nullable(MOMENT),
            "resolved_at": nullable(MOMENT),
            "closed_at": nullable(MOMENT),
            "work_orders": {"type": "array", "items": ref("WorkOrderBrief")},
        }
    ),
    "WorkOrder": obj(
        {
            "id": INTEGER,
            "number": STRING,
            "estate_id": INTEGER,
            "ticket_id": nullable(INTEGER),
            "kind": ref("State"),
            "trade": ref("State"),
            "is_emergency": BOOLEAN,
            "status": ref("State"),
            "unit": nullable(ref("Unit")),
            "location": nullable(STRING),
            "description": STRING,
            "technician": nullable(STRING),
            "dispatched_at": nullable(MOMENT),
            "arrive_by": nullable(MOMENT),
            "appointment_at": nullable(MOMENT),
            "arrived_at": nullable(MOMENT),
            "work_done_at": nullable(MOMENT),
            "closed_at": nullable(MOMENT),
            "revisited_at": nullable(MOMENT),
            "satisfaction": nullable(ref("State")),
        }
    ),
    "VehiclePass": obj(
        {
            "id": INTEGER,
            "number": STRING,
            "estate_id": INTEGER,
            "plate": STRING,
            "vehicle_type": ref("State"),
            "status": ref("State"),
            "unit": nullable(ref("Unit")),
            "parking_space": nullable(STRING),
            "valid_from": nullable(DAY),
            "valid_until": nullable(DAY),
        }
    ),
    "Resident": obj(
        {
            "id": INTEGER,
            "name": nullable(STRING),
            "phone": nullable(STRING),
            "role": ref("State"),
            "unit": nullable(ref("Unit")),
        }
    ),
    "Caller": obj(
        {
            "resident": ref("Resident"),
            "estate_id": INTEGER,
            "units": {"type": "array", "items": nullable(ref("Unit"))},
            "open_tickets": {"type": "array", "items": ref("Ticket")},
            "new_call_url": {
                "type": "object",
                "description": "The front desk's new-call form with the caller picked: 'any' "
                "(the full form) and one per ticket category.",
                "properties": {k: {"type": "string"} for k in ["any", *values(TicketCategory)]},
                "required": ["any", *values(TicketCategory)],
            },
        }
    ),
    "GateCheck": obj(
        {
            "valid": BOOLEAN,
            "result": ref("State"),
            "checked_at": MOMENT,
            "pass": nullable(
                obj(
                    {
                        "number": STRING,
                        "kind": STRING,
                        "status": ref("State"),
                        "valid_from": nullable(DAY),
                        "valid_until": nullable(DAY),
                        "plate": nullable(STRING),
                        "today": DAY,
                    }
                )
            ),
        }
    ),
    "Statistics": obj(
        {
            "estate_id": INTEGER,
            "period": STRING,
            "tables": obj(
                {
                    "complaints": {"type": "object"},
                    "complaint_deadlines": {"type": "array", "items": {"type": "object"}},
                    "revisits": {"type": "array", "items": {"type": "object"}},
                    "work_order_revisit_rate": {"type": "object"},
                    "work_orders_by_trade": {"type": "array", "items": {"type": "object"}},
                    "chases": {"type": "array", "items": {"type": "object"}},
                }
            ),
        }
    ),
}
for name, item in (("TicketPage", "Ticket"), ("WorkOrderPage", "WorkOrder")):
    SCHEMAS[name] = obj(
        {
            "items": {"type": "array", "items": ref(item)},
            "page": INTEGER,
            "per_page": INTEGER,
            "total": INTEGER,
        }
    )

REFUSALS = {
    "400": "The request could not be read.",
    "401": "No valid token (missing, unknown or revoked).",
    "403": "The token lacks the scope this endpoint needs.",
    "404": "No such record in the token's estates.",
    "415": "The body is not JSON.",
    "422": "Some values are not valid; `fields` names them.",
    "429": "Too many calls for this token (API_RATE_LIMIT).",
}


def answers(status: str, schema: str, description: str, *refused: str) -> dict:
    found = {status: {"description": description, "content": json(ref(schema))}}
    for code in ("400", "401", "403", "404", "422", "429", *refused):
        found[code] = {"$ref": f"#/components/responses/{code}"}
    return found


def json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def param(name: str, schema: dict, where: str = "query", required: bool = False, text=""):
    return {"name": name, "in": where, "required": required, "schema": schema, "description": text}


PAGING = [
    param("page", {"type": "integer", "minimum": 1, "maximum": 100000}),
    param("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
]
ESTATE = param("estate_id", RECORD_ID, text="One of the token's estates (default: all of them).")


def operation(scope: str, summary: str, responses: dict, **more) -> dict:
    return {
        "summary": summary,
        "description": f"Scope: `{scope}`.",
        "x-scope": scope,
        "responses": responses,
        **more,
    }


def body(schema: dict) -> dict:
    return {"required": True, "content": json(schema)}


TICKET_NEW = obj(
    {
        "estate_id": RECORD_ID,
        "category": {"type": "string", "enum": values(TicketCategory)},
        "channel": {"type": "string", "enum": values(Channel)},
        "description": {"type": "string", "minLength": 1, "maxLength": 4000},
        "unit_id": RECORD_ID,
        "resident_id": RECORD_ID,
        "reporter_name": {"type": "string", "maxLength": 50},
        "reporter_phone": {"type": "string", "maxLength": 20},
        "location": {"type": "string", "maxLength": 200},
        "request": {"type": "string", "maxLength": 4000},
        "occurred_at": MOMENT,
        "complaint_code": {"type": "string", "enum": values(ComplaintCode)},
        "answer": {
            "type": "string",
            "maxLength": 2000,
            "description": "An inquiry answered on the spot: the ticket closes with it.",
        },
        "callback_due_at": {**MOMENT, "description": "An inquiry's promised callback."},
        "trade": {"type": "string", "enum": values(Trade), "description": "A repair's trade."},
        "work_kind": {"type": "string", "enum": values(WorkOrderKind)},
        "is_emergency": BOOLEAN,
    },
    required=["estate_id", "category", "description"],
)
PASS_NEW = obj(
    {
        "estate_id": RECORD_ID,
        "plate": {"type": "string", "maxLength": 16, "example": "粤B12345"},
        "vehicle_type": {"type": "string", "enum": values(VehicleType)},
        "unit_id": RECORD_ID,
        "resident_id": RECORD_ID,
        "parking_space": {"type": "string", "maxLength": 32},
        "valid_from": DAY,
        "valid_until": DAY,
    },
    required=["estate_id", "plate"],
)
CHECK = obj(
    {
        "estate_id": RECORD_ID,
        "code": {
            "type": "string",
            "maxLength": 200,
            "description": "The scanned QR code, a pass number, or a plate.",
        },
    }
)


def paths() -> dict:
    return {
        "/callers": {
            "get": operation(
                "callers:read",
                "Who is calling: residents with this phone, their units, open tickets, and "
                "the front desk's new-call form for them",
                answers("200", "CallerList", "The callers found."),
                parameters=[param("phone", {"type": "string", "maxLength": 40}, required=True)],
            )
        },
        "/tickets": {
            "get": operation(
                "tickets:read",
                "Tickets of the token's estates, newest first",
                answers("200", "TicketPage", "One page of tickets."),
                parameters=[
                    ESTATE,
                    param("status", {"type": "string", "enum": values(TicketStatus)}),
                    param("category", {"type": "string", "enum": values(TicketCategory)}),
                    param("received_from", DAY),
                    param("received_until", DAY),
                    *PAGING,
                ],
            ),
            "post": operation(
                "tickets:write",
                "Log a call as a ticket (the front desk's verb: an inquiry answered or a "
                "callback promised, a repair's work order made)",
                answers("201", "Ticket", "The ticket made.", "415"),
                requestBody=body(TICKET_NEW),
            ),
        },
        "/tickets/{ticket_id}": {
            "get": operation(
                "tickets:read",
                "One ticket",
                answers("200", "Ticket", "The ticket."),
                parameters=[param("ticket_id", RECORD_ID, "path", True)],
            )
        },
        "/work_orders": {
            "get": operation(
                "work_orders:read",
                "Work orders of the token's estates with their states, newest first",
                answers("200", "WorkOrderPage", "One page of work orders."),
                parameters=[
                    ESTATE,
                    param("status", {"type": "string", "enum": values(WorkOrderStatus)}),
                    param("trade", {"type": "string", "enum": values(Trade)}),
                    param("ticket_id", RECORD_ID),
                    *PAGING,
                ],
            )
        },
        "/work_orders/states": {
            "get": operation(
                "work_orders:read",
                "The states a work order can be in, with their labels",
                answers("200", "StateList", "Every state."),
            )
        },
        "/work_orders/{order_id}": {
            "get": operation(
                "work_orders:read",
                "One work order",
                answers("200", "WorkOrder", "The work order."),
                parameters=[param("order_id", RECORD_ID, "path", True)],
            )
        },
        "/passes": {
            "post": operation(
                "passes:write",
                "Apply for a vehicle pass (approved by the office, as at the front desk)",
                answers("201", "VehiclePass", "The application made.", "415"),
                requestBody=body(PASS_NEW),
            )
        },
        "/passes/check": {
            "post": operation(
                "passes:read",
                "The gate's check: is this code, pass number or plate good here now (logged)",
                answers(
                    "200",
                    "GateCheck",
                    "The verdict; `result.code` is one of: "
                    + ", ".join(f"`{code}`" for code in values(GateResult))
                    + " (`moved_out`: a vehicle pass of a resident who has moved out).",
                    "415",
                ),
                requestBody=body(CHECK),
            )
        },
        "/statistics": {
            "get": operation(
                "statistics:read",
                "The statistics tables of one estate for a month, quarter or year",
                answers("200", "Statistics", "The tables."),
                parameters=[
                    param("estate_id", RECORD_ID, required=True),
                    param(
                        "period",
                        {"type": "string", "maxLength": 10, "example": "2026-11"},
                        required=True,
                        text="2026-11 (a month), 2026-Q4 (a quarter) or 2026 (a year).",
                    ),
                ],
            )
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "security": [],
                "responses": {
                    "200": {
                        "description": "The OpenAPI document.",
                        "content": json({"type": "object"}),
                    },
                    "429": {"$ref": "#/components/responses/429"},
                },
            }
        },
    }


def document() -> dict:
    schemas = {
        **SCHEMAS,
        "CallerList": obj({"callers": {"type": "array", "items": ref("Caller")}}),
        "StateList": obj({"states": {"type": "array", "items": ref("State")}}),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Property office API",
            "version": "1",
            "description": "For the office's other systems: a token per integration (made by an "
            "admin under Records → API tokens), sent as `Authorization: Bearer <token>`. Scopes: "
            + ", ".join(f"`{s}`" for s in SCOPES)
            + ". Messages follow Accept-Language (zh, en).",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths(),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
            "responses": {
                code: {"description": text, "content": json(ref("Error"))}
                for code, text in REFUSALS.items()
            },
        },
    }
