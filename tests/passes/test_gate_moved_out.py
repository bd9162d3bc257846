"""A car parks for the household it was registered to: once its resident has moved out, the
gate refuses the vehicle pass ("住户已搬离"), whether or not anyone has revoked it yet — a
receptionist's move-out only asks the supervisors to revoke it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import GateCheck, GateResult, PassStatus, Role, Staff, Unit, VehiclePass
from admin_app.moving import operations as moving

P = PassStatus


@pytest.fixture
def parked(factories):
    w = factories.two_estates()
    w.guard = factories.staff(Role.guard, estates=[w.a], name="门岗甲")
    w.desk = factories.staff(Role.receptionist, estates=[w.a], name="前台甲")
    today = clock.today()
    w.vehicle = factories.vehicle_pass(
        w.a,
        plate="粤BD12345",
        status=P.approved,
        resident_id=w.resident_a.id,
        unit_id=w.unit_a.id,
        valid_from=today - timedelta(days=1),
        valid_until=today + timedelta(days=20),
    )
    return w


def gate_check(client, code: str) -> str:
    response = client.post("/gate/", {"code": code})
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def verdict_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.search(r'id="verdict".*?</div>\s*</div>', page, re.S).group(0))


def test_the_car_of_a_resident_the_desk_moved_out_is_refused_at_the_gate(parked, in_app, login):
    with in_app():
        desk, unit = db.session.get(Staff, parked.desk.id), db.session.get(Unit, parked.unit_a.id)
        done = moving.move_out(desk, unit=unit, leaving=[parked.resident_a.id], keys_returned=True)
        assert done.supervisor_told and not done.revoked  # the desk may not revoke
        db.session.commit()
        assert db.session.get(VehiclePass, parked.vehicle.id).status is P.approved
    page = gate_check(login(parked.guard, lang="zh-CN"), "粤BD12345")
    verdict = verdict_of(page)
    assert "✗" in verdict and "✓" not in verdict
    assert f"住户已搬离（{clock.today():%Y-%m-%d} 搬离）" in verdict
    assert '甲住户 <span class="text-danger gate-moved-out">（已搬离）</span>' in page
    with in_app():
        assert db.session.query(GateCheck).one().result is GateResult.moved_out


def test_a_move_out_planned_for_later_still_lets_the_car_in(parked, in_app, login):
    with in_app():
        resident = db.session.get(type(parked.resident_a), parked.resident_a.id)
        resident.move_out = clock.today() + timedelta(days=3)
        db.session.commit()
    verdict = verdict_of(gate_check(login(parked.guard), "粤BD12345"))
    assert "✓" in verdict
