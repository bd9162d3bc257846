"""The gate's check names every verdict an integration may get back, the newest too."""

from __future__ import annotations

from admin_app.models import GateResult


def test_the_document_lists_every_gate_result(client):
    document = client.get("/api/v1/openapi.json").get_json()
    said = document["paths"]["/passes/check"]["post"]["responses"]["200"]["description"]
    for result in GateResult:
        assert f"`{result.value}`" in said
    assert "`moved_out`: a vehicle pass of a resident who has moved out" in said
