"""The household's passes and renovations in progress on the resident's pages: listed, and
cancelled by the resident through the passes' and renovations' own verbs (the history names
the resident); a cancelled pass no longer opens the gate; another household's are neither
shown nor cancellable; a renovation whose work has started is the office's to stop."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    GateResult,
    PassStatus,
    ReleasePass,
    Renovation,
    RenovationStatus,
    VehiclePass,
    WorkerPass,
)
from admin_app.passes import operations as passes

P, R = PassStatus, RenovationStatus


@pytest.fixture
def household(factories, two_estates):
    w = two_estates
    valid = {"valid_from": clock.today(), "valid_until": clock.today() + timedelta(days=30)}
    w.car = factories.vehicle_pass(
        w.a, plate="粤B11111", unit_id=w.unit_a.id, status=P.approved, number="VP-1", **valid
    )
    w.slip = factories.release_pass(w.a, w.unit_a, status=P.applied, number="RP-1")
    w.planned = factories.renovation(w.a, w.unit_a, status=R.applied, number="RN-1")
    w.worker = factories.worker_pass(w.a, w.planned, status=P.applied, number="WP-1")
    w.working = factories.renovation(w.a, w.unit_a, status=R.in_progress, number="RN-2")
    w.old = factories.vehicle_pass(
        w.a, plate="粤B22222", unit_id=w.unit_a.id, status=P.revoked, number="VP-OLD"
    )
    w.theirs = factories.vehicle_pass(
        w.b, plate="粤B33333", unit_id=w.unit_b.id, status=P.approved, number="VP-B", **valid
    )
    return w


def cancel_urls(html: str) -> set[str]:
    return set(re.findall(r'action="(/r/passes/[a-z]+/\d+/cancel)"', html))


def test_the_household_sees_what_is_in_progress_and_only_its_own(household, resident_client):
    html = resident_client(household.resident_a).get("/r/passes").get_data(as_text=True)
    for number in ("VP-1", "RP-1", "RN-1", "WP-1", "RN-2"):
        assert number in html
    assert "VP-OLD" not in html and "VP-B" not in html and "粤B33333" not in html
    assert cancel_urls(html) == {
        f"/r/passes/vehicle/{household.car.id}/cancel",
        f"/r/passes/release/{household.slip.id}/cancel",
        f"/r/passes/renovation/{household.planned.id}/cancel",
        f"/r/passes/worker/{household.worker.id}/cancel",
    }  # not the renovation under way


def test_the_resident_cancels_a_pass_and_the_gate_refuses_it(household, resident_client, in_app):
    resident = resident_client(household.resident_a)
    done = resident.post(f"/r/passes/vehicle/{household.car.id}/cancel")
    assert done.status_code == 302
    with in_app():
        car = db.session.get(VehiclePass, household.car.id)
        assert car.status is P.cancelled
        assert passes.verdict(car, clock.today()) is GateResult.revoked
        entry = (
            db.session.query(AuditRecord)
            .filter_by(entity_type="vehicle_pass", entity_id=car.id, action="cancel")
            .one()
        )
        assert entry.resident_actor_id == household.resident_a.id and entry.actor_id is None
    html = resident.get("/r/passes").get_data(as_text=True)
    assert "粤B11111" not in html  # no longer in progress
    assert f"/r/passes/vehicle/{household.car.id}/cancel" not in cancel_urls(html)


def test_a_release_slip_awaiting_approval_can_be_withdrawn(household, resident_client, in_app):
    resident_client(household.resident_a).post(f"/r/passes/release/{household.slip.id}/cancel")
    with in_app():
        assert db.session.get(ReleasePass, household.slip.id).status is P.cancelled


def test_cancelling_a_planned_renovation_ends_its_worker_passes(household, resident_client, in_app):
    resident_client(household.resident_a).post(
        f"/r/passes/renovation/{household.planned.id}/cancel"
    )
    with in_app():
        assert db.session.get(Renovation, household.planned.id).status is R.cancelled
        assert db.session.get(WorkerPass, household.worker.id).status is P.rejected


def test_a_renovation_under_way_is_not_the_residents_to_cancel(household, resident_client, in_app):
    resident = resident_client(household.resident_a)
    refused = resident.post(
        f"/r/passes/renovation/{household.working.id}/cancel", follow_redirects=True
    )
    assert "please call the management office" in refused.get_data(as_text=True)
    with in_app():
        assert db.session.get(Renovation, household.working.id).status is R.in_progress


def test_another_households_pass_is_not_found(household, resident_client, in_app):
    resident = resident_client(household.resident_a)
    assert resident.post(f"/r/passes/vehicle/{household.theirs.id}/cancel").status_code == 404
    assert resident.post(f"/r/passes/nonsense/{household.car.id}/cancel").status_code == 404
    with in_app():
        assert db.session.get(VehiclePass, household.theirs.id).status is P.approved


def test_cancelling_needs_a_signed_in_resident(household, portal_client, in_app):
    response = portal_client.post(f"/r/passes/vehicle/{household.car.id}/cancel")
    assert response.status_code == 302 and "/r/sign-in" in response.headers["Location"]
    with in_app():
        assert db.session.get(VehiclePass, household.car.id).status is P.approved
