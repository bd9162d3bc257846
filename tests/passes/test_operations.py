"""Passes: the lifecycle of the three kinds, validity within the permit, the owner's
confirmation of a tenant's release, renewals and reissues — enforced by the service."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    PassStatus,
    ReleasePass,
    RenovationStatus,
    Resident,
    ResidentRole,
    Role,
    Staff,
    VehiclePass,
    WorkerPass,
)
from admin_app.passes import operations as passes
from admin_app.services.errors import ServiceError

P = PassStatus
MODELS = {"worker_pass": WorkerPass, "vehicle_pass": VehiclePass, "release_pass": ReleasePass}

# The expected rules, written out here independently of the service: step -> (kinds that
# have it, states it starts from, state it ends in).
SHARED = {"worker_pass", "vehicle_pass", "release_pass"}
RULES = {
    "approve": (SHARED, {P.applied}, P.approved),
    "reject": (SHARED, {P.applied}, P.rejected),
    "revoke": (SHARED, {P.approved, P.suspended}, P.revoked),
    "reissue": (SHARED, {P.approved}, P.approved),
    "renew": ({"worker_pass", "vehicle_pass"}, {P.approved, P.expired}, P.approved),
    "confirm_owner": ({"release_pass"}, {P.applied}, P.applied),
    "release": ({"release_pass"}, {P.approved}, P.released),
    # The applicant withdraws (the resident on their pages, or the desk for them).
    "cancel": (SHARED, {P.applied, P.approved}, P.cancelled),
}
CASES = [(kind, name) for name, (kinds, _, _) in RULES.items() for kind in sorted(kinds)]


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    w.guard = factories.staff(Role.guard, estates=[w.a])
    w.renovation = factories.renovation(
        w.a,
        w.unit_a,
        status=RenovationStatus.in_progress,
        permit_valid_until=clock.today() + timedelta(days=60),
    )
    return w


@pytest.fixture
def lean_world(factories):
    """Only what the transition table needs: one estate, a unit with its owner, a supervisor
    (who may take every step) and a renovation at work."""
    estate = factories.estate(code="AA")
    unit = factories.unit(estate, room="101")
    factories.resident(unit, name="甲住户")
    return SimpleNamespace(
        a=estate,
        unit_a=unit,
        supervisor=factories.staff(Role.supervisor, estates=[estate]),
        renovation=factories.renovation(
            estate,
            unit,
            status=RenovationStatus.in_progress,
            permit_valid_until=clock.today() + timedelta(days=60),
        ),
    )


def make_pass(factories, world, kind: str, **fields):
    today = clock.today()
    fields.setdefault("valid_from", today - timedelta(days=1))
    fields.setdefault("valid_until", today + timedelta(days=10))
    if kind == "worker_pass":
        return factories.worker_pass(world.a, world.renovation, **fields)
    if kind == "vehicle_pass":
        return factories.vehicle_pass(world.a, unit_id=world.unit_a.id, **fields)
    fields["valid_from"] = fields["valid_until"] = today
    return factories.release_pass(world.a, world.unit_a, moving_date=today, **fields)


def call(name, record, actor):
    today = clock.today()
    verbs = {
        "approve": lambda: passes.approve(record, actor),
        "reject": lambda: passes.reject(record, actor, reason="资料不全"),
        "revoke": lambda: passes.revoke(record, actor, reason="违反管理规定"),
        "reissue": lambda: passes.reissue(record, actor),
        "renew": lambda: passes.renew(record, actor, valid_until=today + timedelta(days=30)),
        "confirm_owner": lambda: passes.confirm_owner(
            record, actor, owner=_owner_of(record.unit_id)
        ),
        "release": lambda: passes.release(record, actor),
        "cancel": lambda: passes.cancel(record, actor, reason="不需要了"),
    }
    verbs[name]()


def _owner_of(unit_id):
    return db.session.query(Resident).filter_by(unit_id=unit_id, role=ResidentRole.owner).first()


def snapshot(record) -> dict:
    return {c.key: getattr(record, c.key) for c in type(record).__mapper__.column_attrs}


def plate(kind: str, index: int) -> dict:
    """Each vehicle its own plate (one plate has one valid pass)."""
    return {"plate": f"粤B{10000 + index}"} if kind == "vehicle_pass" else {}


@pytest.mark.parametrize(("kind", "name"), CASES)
def test_transition_table(factories, in_app, lean_world, kind, name):
    """From every state: the step either runs (and is in the history) or is refused with
    nothing changed. One record per state, so the states do not meet."""
    world = lean_world
    # A tenant's release for the owner's confirmation; the other steps need none.
    tenant = {"applicant_is_tenant": True} if name == "confirm_owner" else {}
    records = {
        state: make_pass(factories, world, kind, status=state, **tenant, **plate(kind, index))
        for index, state in enumerate(P)
    }
    _, sources, target = RULES[name]
    model = MODELS[kind]
    for state, record in records.items():
        case = f"{kind}.{name} from {state.value}"
        with in_app():
            row = db.session.get(model, record.id)
            actor = db.session.get(Staff, world.supervisor.id)
            before = snapshot(row)
            history_before = db.session.query(AuditRecord).count()
            if state in sources:
                call(name, row, actor)
                db.session.commit()
                assert db.session.get(model, record.id).status is target, case
                entries = db.session.query(AuditRecord).filter_by(
                    entity_type=kind, entity_id=record.id, action=name
                )
                assert entries.count() == 1, case
            else:
                with pytest.raises(ServiceError, match="not possible now"):
                    call(name, row, actor)
                db.session.rollback()
                assert snapshot(db.session.get(model, record.id)) == before, case
                assert db.session.query(AuditRecord).count() == history_before, case


def run(in_app, verb, model, record_id, actor_id, **kwargs):
    with in_app():
        record = db.session.get(model, record_id)
        try:
            verb(record, db.session.get(Staff, actor_id), **kwargs)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        return snapshot(db.session.get(model, record_id))


# ---- validity within the renovation permit --------------------------------------------------
def test_worker_pass_defaults_to_the_permit_and_cannot_outlast_it(factories, in_app, world):
    permit_end = clock.today() + timedelta(days=60)
    record = make_pass(factories, world, "worker_pass", valid_from=None, valid_until=None)
    with pytest.raises(ServiceError, match="cannot outlast the renovation permit"):
        run(
            in_app,
            passes.approve,
            WorkerPass,
            record.id,
            world.supervisor.id,
            valid_until=permit_end + timedelta(days=1),
        )
    approved = run(in_app, passes.approve, WorkerPass, record.id, world.supervisor.id)
    assert approved["status"] is P.approved
    assert approved["valid_until"] == permit_end
    assert approved["approved_by_id"] == world.supervisor.id
    with pytest.raises(ServiceError, match="cannot outlast"):
        run(
            in_app,
            passes.renew,
            WorkerPass,
            record.id,
            world.reception.id,
            valid_until=permit_end + timedelta(days=5),
        )


@pytest.mark.parametrize(
    ("renovation_state", "message"),
    [
        (RenovationStatus.applied, "has no usable worker passes"),
        (RenovationStatus.stopped, "stopped for a violation"),
        (RenovationStatus.accepted, "has no usable worker passes"),
    ],
)
def test_worker_pass_needs_a_working_renovation(
    factories, in_app, world, renovation_state, message
):
    renovation = factories.renovation(
        world.a,
        world.unit_a,
        status=renovation_state,
        permit_valid_until=clock.today() + timedelta(days=30),
    )
    record = factories.worker_pass(world.a, renovation)
    with pytest.raises(ServiceError, match=message):
        run(in_app, passes.approve, WorkerPass, record.id, world.supervisor.id)


def test_worker_pass_without_a_permit_is_refused(factories, in_app, world):
    renovation = factories.renovation(world.a, world.unit_a, status=RenovationStatus.permitted)
    record = factories.worker_pass(world.a, renovation)
    with pytest.raises(ServiceError, match="no permit yet"):
        run(in_app, passes.approve, WorkerPass, record.id, world.supervisor.id)


# ---- vehicle passes ------------------------------------------------------------------------
def test_vehicle_pass_is_monthly_by_default_and_renewal_extends_it(factories, in_app, world):
    today = clock.today()
    record = make_pass(factories, world, "vehicle_pass", valid_from=today, valid_until=None)
    approved = run(in_app, passes.approve, VehiclePass, record.id, world.supervisor.id)
    assert approved["valid_until"] == passes.add_months(today, 1) - timedelta(days=1)
    with pytest.raises(ServiceError, match="extends the validity"):
        run(
            in_app,
            passes.renew,
            VehiclePass,
            record.id,
            world.reception.id,
            valid_until=approved["valid_until"],
        )
    new_end = approved["valid_until"] + timedelta(days=31)
    renewed = run(
        in_app, passes.renew, VehiclePass, record.id, world.reception.id, valid_until=new_end
    )
    assert renewed["valid_until"] == new_end
    assert renewed["valid_from"] == today


def test_an_expired_card_renewed_starts_today(factories, in_app, world):
    today = clock.today()
    record = make_pass(
        factories,
        world,
        "vehicle_pass",
        status=P.expired,
        valid_from=today - timedelta(days=40),
        valid_until=today - timedelta(days=10),
    )
    renewed = run(
        in_app,
        passes.renew,
        VehiclePass,
        record.id,
        world.reception.id,
        valid_until=today + timedelta(days=29),
    )
    assert (renewed["status"], renewed["valid_from"]) == (P.approved, today)


def test_month_arithmetic_keeps_to_the_calendar():
    assert passes.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert passes.add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert passes.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


def test_one_plate_has_one_valid_pass_per_estate(factories, in_app, world):
    make_pass(factories, world, "vehicle_pass", status=P.approved, plate="粤B12345")
    second = make_pass(factories, world, "vehicle_pass", plate="粤B12345")
    with pytest.raises(ServiceError, match="already has a valid pass"):
        run(in_app, passes.approve, VehiclePass, second.id, world.supervisor.id)
    elsewhere = factories.vehicle_pass(world.b, plate="粤B12345")
    supervisor_b = factories.staff(Role.supervisor, estates=[world.b])
    assert (
        run(in_app, passes.approve, VehiclePass, elsewhere.id, supervisor_b.id)["status"]
        is P.approved
    )


# ---- large-item releases: a tenant waits for the owner -----------------------------------------
def test_tenant_release_waits_for_the_owner(factories, in_app, world):
    tenant = factories.resident(world.unit_a, name="租客", role=ResidentRole.tenant)
    record = make_pass(factories, world, "release_pass", applicant_is_tenant=True)
    with pytest.raises(ServiceError, match="waits for the owner's confirmation"):
        run(in_app, passes.approve, ReleasePass, record.id, world.supervisor.id)
    # Only an owner registered for this very unit can confirm.
    for wrong in (tenant.id, world.resident_b.id, None):
        with pytest.raises(ServiceError, match="owner registered for this unit"):
            run(
                in_app,
                lambda r, a, wrong=wrong: passes.confirm_owner(
                    r, a, owner=db.session.get(Resident, wrong) if wrong else None
                ),
                ReleasePass,
                record.id,
                world.reception.id,
            )
    confirmed = run(
        in_app,
        lambda r, a: passes.confirm_owner(r, a, owner=_owner_of(r.unit_id)),
        ReleasePass,
        record.id,
        world.reception.id,
    )
    assert confirmed["owner_confirmed_by"] == "甲住户"
    assert run(in_app, passes.approve, ReleasePass, record.id, world.supervisor.id)["status"] is (
        P.approved
    )


def test_a_tenant_applicant_makes_the_release_a_tenants(factories, in_app, world):
    tenant = factories.resident(world.unit_a, name="租客", role=ResidentRole.tenant)
    with in_app():
        from admin_app.models import Unit

        release = ReleasePass(
            estate_id=world.a.id,
            unit=db.session.get(Unit, world.unit_a.id),
            applicant=db.session.get(Resident, tenant.id),
            applicant_name="租客",
            items="衣柜",
            moving_date=clock.today(),
            applicant_is_tenant=False,  # the box left unticked
        )
        passes.check_application(release, is_new=True)
        assert release.applicant_is_tenant is True
        release.applicant = db.session.get(Resident, world.resident_b.id)
        with pytest.raises(ServiceError, match="not in the unit chosen"):
            passes.check_application(release, is_new=True)


def test_changing_the_items_asks_the_owner_again(factories, in_app, world):
    record = make_pass(
        factories,
        world,
        "release_pass",
        applicant_is_tenant=True,
        owner_confirmed_at=clock.now(),
        owner_confirmed_by="甲住户",
    )
    with in_app():
        row = db.session.get(ReleasePass, record.id)
        row.items = "冰箱一台、钢琴一台"
        passes.check_application(row, is_new=False)
        assert row.owner_confirmed_at is None and passes.awaiting_owner(row)


def test_release_only_on_a_valid_day(factories, in_app, world):
    tomorrow = clock.today() + timedelta(days=1)
    record = factories.release_pass(
        world.a,
        world.unit_a,
        status=P.approved,
        moving_date=tomorrow,
        valid_from=tomorrow,
        valid_until=tomorrow,
    )
    with pytest.raises(ServiceError, match="cannot be let out: Not valid yet"):
        run(in_app, passes.release, ReleasePass, record.id, world.guard.id)
    with pytest.raises(ServiceError, match="Your role may not do this"):
        run(in_app, passes.release, ReleasePass, record.id, world.reception.id)


# ---- reissue and expiry --------------------------------------------------------------------------
def test_reissue_rotates_the_code_and_is_in_the_history(factories, in_app, world):
    record = make_pass(factories, world, "vehicle_pass", status=P.approved)
    after = run(in_app, passes.reissue, VehiclePass, record.id, world.reception.id)
    assert after["token_nonce"] != record.token_nonce
    with in_app():
        entry = (
            db.session.query(AuditRecord)
            .filter_by(entity_type="vehicle_pass", entity_id=record.id, action="reissue")
            .one()
        )
        assert "reissued_at" in entry.changes
        assert "token_nonce" not in entry.changes  # the secret part stays out of the history


def test_lapsed_passes_expire(app, factories, in_app, world):
    today = clock.today()
    lapsed = make_pass(
        factories,
        world,
        "vehicle_pass",
        status=P.approved,
        valid_from=today - timedelta(days=31),
        valid_until=today - timedelta(days=1),
    )
    current = make_pass(factories, world, "vehicle_pass", status=P.approved, plate="粤B54321")
    result = app.test_cli_runner().invoke(args=["passes", "expire"])
    assert result.output.strip() == "expired 1 passes"
    with in_app():
        assert passes.expire_lapsed() == 0  # nothing left to do
        assert db.session.get(VehiclePass, lapsed.id).status is P.expired
        assert db.session.get(VehiclePass, current.id).status is P.approved
        assert (
            db.session.query(AuditRecord)
            .filter_by(entity_type="vehicle_pass", entity_id=lapsed.id, action="expire")
            .count()
            == 1
        )


def test_the_other_estates_pass_is_not_ours_to_approve(factories, in_app, world):
    record = factories.vehicle_pass(world.b)
    with pytest.raises(ServiceError, match="not yours"):
        run(in_app, passes.approve, VehiclePass, record.id, world.supervisor.id)
