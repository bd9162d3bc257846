"""The OpenAPI document and the blueprint stay in step: every route is documented and every
documented path is a route, with the same methods; the document is valid OpenAPI 3.1; real
answers match their schemas."""

from __future__ import annotations

import re

import jsonschema
from openapi_spec_validator import validate

from admin_app.models import Role, WorkOrderStatus

# Not endpoints: the JSON 404/405 for any other path under /api/v1.
UNDOCUMENTED = {"api.nothing_here", "api.nothing_at_the_root", "api.static"}


def routes(app) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint in UNDOCUMENTED:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        found.setdefault(path, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return found


def documented(document) -> dict[str, set[str]]:
    return {path: {m.upper() for m in item} for path, item in document["paths"].items()}


def test_every_route_is_in_the_document_and_every_documented_path_is_a_route(app, api):
    document = api.get("/openapi.json").get_json()
    assert routes(app) == documented(document)
    validate(document)


def test_every_operation_names_its_scope_and_answers_json_refusals(app, api):
    from admin_app.api.tokens import SCOPES

    document = api.get("/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if path == "/openapi.json":
                continue
            assert operation["x-scope"] in SCOPES, (path, method)
            assert {"401", "403", "404", "422", "429"} <= set(operation["responses"])


def schema_of(document, path: str, method: str, status: str) -> dict:
    answer = document["paths"][path][method]["responses"][status]
    if "$ref" in answer:
        answer = document["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    schema = answer["content"]["application/json"]["schema"]
    return {**schema, "components": document["components"]}


def check(document, path, method, response) -> None:
    schema = schema_of(document, path, method, str(response.status_code))
    jsonschema.validate(
        response.get_json(), schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_real_answers_match_their_schemas(api, factories, two_estates, make_token):
    _, secret = make_token([two_estates.a])
    technician = factories.staff(Role.technician, estates=[two_estates.a])
    ticket = factories.ticket(two_estates.a, unit_id=two_estates.unit_a.id)
    order = factories.work_order(
        two_estates.a,
        ticket_id=ticket.id,
        technician_id=technician.id,
        status=WorkOrderStatus.dispatched,
    )
    document = api.get("/openapi.json").get_json()
    a = two_estates.a.id
    calls = [
        ("/callers", "get", api.get("/callers?phone=13800000001", secret)),
        ("/callers", "get", api.get("/callers?phone=1", secret)),
        ("/tickets", "get", api.get("/tickets", secret)),
        ("/tickets/{ticket_id}", "get", api.get(f"/tickets/{ticket.id}", secret)),
        ("/tickets/{ticket_id}", "get", api.get("/tickets/999999", secret)),
        ("/work_orders", "get", api.get("/work_orders?status=dispatched", secret)),
        ("/work_orders/{order_id}", "get", api.get(f"/work_orders/{order.id}", secret)),
        ("/work_orders/states", "get", api.get("/work_orders/states", secret)),
        ("/statistics", "get", api.get(f"/statistics?estate_id={a}&period=2026-Q4", secret)),
        ("/statistics", "get", api.get(f"/statistics?estate_id={a}&period=soon", secret)),
        (
            "/tickets",
            "post",
            api.post(
                "/tickets",
                {
                    "estate_id": a,
                    "category": "repair",
                    "description": "灯坏",
                    "trade": "electrical",
                },
                secret,
            ),
        ),
        ("/passes", "post", api.post("/passes", {"estate_id": a, "plate": "粤B11111"}, secret)),
        ("/passes/check", "post", api.post("/passes/check", {"estate_id": a, "code": "x"}, secret)),
        ("/tickets", "get", api.get("/tickets", None)),
    ]
    for path, method, response in calls:
        assert response.status_code < 500, path
        check(document, path, method, response)
    statuses = {(path, r.status_code) for path, _, r in calls}
    assert ("/tickets", 201) in statuses and ("/callers", 422) in statuses
