"""schemathesis runs the OpenAPI document against the app (over WSGI, a live token in the
header): every operation, no server error, every answer as documented (status, content type,
schema). Few examples per operation: the whole file stays well under a minute."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from admin_app import clock
from admin_app.api.openapi import document
from admin_app.models import PassStatus, Role, WorkOrderStatus

EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def world(app, factories, make_token, monkeypatch):
    """Two estates with records, a token for the first with every scope."""
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "100000/minute")
    w = factories.two_estates()
    technician = factories.staff(Role.technician, estates=[w.a])
    ticket = factories.ticket(w.a, unit_id=w.unit_a.id, resident_id=w.resident_a.id)
    factories.work_order(
        w.a, ticket_id=ticket.id, technician_id=technician.id, status=WorkOrderStatus.dispatched
    )
    factories.vehicle_pass(
        w.a,
        plate="粤B12345",
        status=PassStatus.approved,
        valid_from=clock.today(),
        valid_until=clock.today(),
    )
    factories.ticket(w.b)
    _, w.secret = make_token([w.a])
    DRAWN["estate_id"] = w.a.id
    return w


# The document as the app serves it (test_openapi checks they are the same), loaded when the
# module is: schemathesis's lazy fixture loader does not run under pytest 9.
# The coverage phase (every boundary of every parameter) alone takes minutes: the examples
# and the fuzzing phase run.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_dict(document(), config=CONFIG)
DRAWN = {}  # the token's estate, for the hooks below (set by `world`)


# Half the drawn estate ids are the token's own, so the checks reach past the 404.
@schema.hook
def map_query(ctx, query):
    if query and isinstance(query.get("estate_id"), int) and query["estate_id"] % 2:
        query["estate_id"] = DRAWN.get("estate_id", 1)
    return query


@schema.hook
def map_body(ctx, body):
    if isinstance(body, dict) and isinstance(body.get("estate_id"), int) and body["estate_id"] % 2:
        body["estate_id"] = DRAWN.get("estate_id", 1)
    return body


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_document_holds_for_every_operation(case, world, app):
    case.call_and_validate(
        app=app,  # over WSGI
        base_url="http://localhost/api/v1",
        headers={"Authorization": f"Bearer {world.secret}"},
        checks=CHECKS,
    )
