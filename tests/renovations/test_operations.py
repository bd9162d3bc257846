"""Renovations: every step's allowed and refused states, the unit's renovation state, the
permit's conditions, and the cascade to the worker passes (suspend, reinstate, revoke)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    DepositStatus,
    InspectionKind,
    InspectionResult,
    PassStatus,
    Renovation,
    RenovationInspection,
    RenovationStatus,
    Role,
    Staff,
    Unit,
    WorkerPass,
)
from admin_app.renovations import operations as renovations
from admin_app.services.errors import ServiceError

R = RenovationStatus
P = PassStatus
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# The expected rules, written out independently of the service's table.
ALLOWED_FROM = {
    "request_rectification": {R.applied},
    "resubmit": {R.rectification},
    "issue_permit": {R.applied},
    "start_work": {R.permitted},
    "patrol": {R.in_progress},
    "stop_work": {R.in_progress},
    "lift_stop": {R.stopped},
    "request_completion": {R.in_progress, R.failed},
    "accept": {R.inspection},
    "fail": {R.inspection},
    "cancel": set(R) - {R.accepted, R.cancelled},
    "refund_deposit": {R.accepted, R.cancelled},
}
TARGET = {
    "request_rectification": R.rectification,
    "resubmit": R.applied,
    "issue_permit": R.permitted,
    "start_work": R.in_progress,
    "patrol": R.in_progress,
    "stop_work": R.stopped,
    "lift_stop": R.in_progress,
    "request_completion": R.inspection,
    "accept": R.accepted,
    "fail": R.failed,
    "cancel": R.cancelled,
    "refund_deposit": None,  # the state stays
}


def call(name, renovation, actor):
    verbs = {
        "request_rectification": lambda: renovations.request_rectification(
            renovation, actor, notes="缺少水电图"
        ),
        "resubmit": lambda: renovations.resubmit(renovation, actor, note="已补充"),
        "issue_permit": lambda: renovations.issue_permit(
            renovation,
            actor,
            valid_until=renovation.planned_end,
            agreement_signed=True,
            deposit_received=True,
        ),
        "start_work": lambda: renovations.start_work(renovation, actor),
        "patrol": lambda: renovations.patrol(renovation, actor, notes="正常"),
        "stop_work": lambda: renovations.stop_work(renovation, actor, notes="拆改承重墙"),
        "lift_stop": lambda: renovations.lift_stop(renovation, actor, notes="已恢复"),
        "request_completion": lambda: renovations.request_completion(renovation, actor),
        "accept": lambda: renovations.accept(renovation, actor, notes="合格"),
        "fail": lambda: renovations.fail(renovation, actor, notes="防水不合格"),
        "cancel": lambda: renovations.cancel(renovation, actor, reason="业主取消"),
        "refund_deposit": lambda: renovations.refund_deposit(renovation, actor),
    }
    verbs[name]()


@pytest.fixture
def world(factories):
    estate = factories.estate(code="AA")
    unit = factories.unit(estate, room="101")
    return SimpleNamespace(
        a=estate,
        unit=unit,
        supervisor=factories.staff(Role.supervisor, estates=[estate]),
        guard=factories.staff(Role.guard, estates=[estate]),
        reception=factories.staff(Role.receptionist, estates=[estate]),
    )


def snapshot(record) -> dict:
    return {c.key: getattr(record, c.key) for c in Renovation.__mapper__.column_attrs}


def at_work(factories, world, **fields):
    fields.setdefault("status", R.in_progress)
    fields.setdefault("permit_valid_until", clock.today() + timedelta(days=60))
    return factories.renovation(world.a, world.unit, **fields)


def act(in_app, verb, renovation_id, actor_id, **kwargs):
    with in_app():
        renovation = db.session.get(Renovation, renovation_id)
        try:
            verb(renovation, db.session.get(Staff, actor_id), **kwargs)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise


@pytest.mark.parametrize("name", sorted(ALLOWED_FROM))
def test_transition_table(factories, in_app, world, name):
    """From every state: the step runs (history, unit state) or is refused with nothing
    changed. One renovation per state, each on its own unit."""
    # Refunds apply to a refundable deposit: every record has one, so only the state decides.
    records = {
        state: factories.renovation(
            world.a,
            factories.unit(world.a, room=f"9{index:02d}"),
            status=state,
            deposit_status=DepositStatus.refundable,
        )
        for index, state in enumerate(R)
    }
    for state, renovation in records.items():
        case = f"{name} from {state.value}"
        with in_app():
            record = db.session.get(Renovation, renovation.id)
            actor = db.session.get(Staff, world.supervisor.id)
            before = snapshot(record)
            history_before = db.session.query(AuditRecord).count()
            if state in ALLOWED_FROM[name]:
                call(name, record, actor)
                db.session.commit()
                after = db.session.get(Renovation, renovation.id)
                assert after.status is (TARGET[name] or state), case
                history = db.session.query(AuditRecord).filter_by(
                    entity_type="renovation", entity_id=renovation.id, action=name
                )
                assert history.count() == 1, case
                # The unit shows the renovation's state (a cancelled one is not shown).
                shown = db.session.get(Unit, renovation.unit_id).renovation_status
                assert shown is (None if after.status is R.cancelled else after.status), case
            else:
                with pytest.raises(ServiceError, match="not possible now"):
                    call(name, record, actor)
                db.session.rollback()
                assert snapshot(db.session.get(Renovation, renovation.id)) == before, case
                assert db.session.query(AuditRecord).count() == history_before, case


def test_refund_needs_a_refundable_deposit(factories, in_app, world):
    renovation = factories.renovation(
        world.a, world.unit, status=R.accepted, deposit_status=DepositStatus.refunded
    )
    with pytest.raises(ServiceError, match="does not apply"):
        act(in_app, renovations.refund_deposit, renovation.id, world.supervisor.id)


# ---- the permit ----------------------------------------------------------------------------
def test_permit_needs_the_agreement_and_the_deposit(factories, in_app, world):
    renovation = factories.renovation(world.a, world.unit, deposit=Decimal("3000"))
    end = clock.today() + timedelta(days=30)
    permit = dict(valid_until=end, agreement_signed=True, deposit_received=True)
    with pytest.raises(ServiceError, match="agreement must be signed"):
        act(
            in_app,
            renovations.issue_permit,
            renovation.id,
            world.supervisor.id,
            **{**permit, "agreement_signed": False},
        )
    with pytest.raises(ServiceError, match="Collect the deposit of 3000.00"):
        act(
            in_app,
            renovations.issue_permit,
            renovation.id,
            world.supervisor.id,
            **{**permit, "deposit_received": False},
        )
    with pytest.raises(ServiceError, match="Your role may not do this"):
        act(in_app, renovations.issue_permit, renovation.id, world.reception.id, **permit)
    act(in_app, renovations.issue_permit, renovation.id, world.supervisor.id, **permit)
    with in_app():
        row = db.session.get(Renovation, renovation.id)
        assert row.status is R.permitted
        assert row.permit_valid_until == end
        assert row.permit_number.startswith("AA-PM")
        assert row.deposit_status is DepositStatus.held
        assert row.agreement_signed_at is not None


def test_new_application_shows_on_the_unit(factories, in_app, world):
    with in_app():
        renovation = Renovation(
            estate_id=world.a.id,
            unit=db.session.get(Unit, world.unit.id),
            scope="厨房",
            planned_start=clock.today(),
            planned_end=clock.today() + timedelta(days=20),
        )
        db.session.add(renovation)
        renovations.register_application(renovation)
        db.session.commit()
        assert db.session.get(Unit, world.unit.id).renovation_status is R.applied


def test_unit_shows_its_latest_renovation_not_a_cancelled_one(factories, in_app, world):
    older = factories.renovation(world.a, world.unit, status=R.accepted)
    newer = factories.renovation(world.a, world.unit, status=R.applied)
    act(in_app, renovations.cancel, newer.id, world.supervisor.id, reason="重复申请")
    with in_app():
        assert db.session.get(Unit, world.unit.id).renovation_status is R.accepted
        assert db.session.get(Renovation, older.id).status is R.accepted


# ---- the cascade to worker passes ----------------------------------------------------------------
def worker_passes(factories, world, renovation):
    return {
        state: factories.worker_pass(world.a, renovation, status=state, worker_name=state.value)
        for state in (P.applied, P.approved, P.revoked)
    }


def statuses(in_app, records) -> dict:
    with in_app():
        return {key: db.session.get(WorkerPass, r.id).status for key, r in records.items()}


def test_a_violation_suspends_the_worker_passes_until_corrected(factories, in_app, world):
    renovation = at_work(factories, world)
    workers = worker_passes(factories, world, renovation)
    act(
        in_app,
        renovations.stop_work,
        renovation.id,
        world.guard.id,
        notes="擅自拆改承重墙",
        photo=PNG,
    )
    assert statuses(in_app, workers) == {
        P.applied: P.applied,
        P.approved: P.suspended,
        P.revoked: P.revoked,
    }
    with in_app():
        row = db.session.get(Renovation, renovation.id)
        assert (row.status, row.stop_reason) == (R.stopped, "擅自拆改承重墙")
        inspection = db.session.query(RenovationInspection).one()
        assert inspection.result is InspectionResult.violation
        assert inspection.inspector_id == world.guard.id and inspection.photo_file_id
        suspended = workers[P.approved].id
        entry = (
            db.session.query(AuditRecord)
            .filter_by(entity_type="worker_pass", entity_id=suspended, action="suspend")
            .one()
        )
        assert entry.actor_id == world.guard.id
        assert entry.changes["status"] == ["approved", "suspended"]
        assert db.session.get(WorkerPass, suspended).status_reason == "擅自拆改承重墙"
    # Lifting the stop is the supervisor's decision.
    with pytest.raises(ServiceError, match="Your role may not do this"):
        act(in_app, renovations.lift_stop, renovation.id, world.guard.id, notes="已恢复")
    act(in_app, renovations.lift_stop, renovation.id, world.supervisor.id, notes="已恢复原状")
    assert statuses(in_app, workers)[P.approved] is P.approved
    with in_app():
        assert db.session.get(Unit, world.unit.id).renovation_status is R.in_progress


@pytest.mark.parametrize("ending", ["accept", "cancel"])
def test_the_end_of_a_renovation_ends_its_worker_passes(factories, in_app, world, ending):
    renovation = at_work(
        factories,
        world,
        status=R.inspection,
        deposit=Decimal("2000"),
        deposit_status=DepositStatus.held,
    )
    workers = worker_passes(factories, world, renovation)
    suspended = factories.worker_pass(world.a, renovation, status=P.suspended)
    if ending == "accept":
        act(in_app, renovations.accept, renovation.id, world.supervisor.id, notes="验收合格")
    else:
        act(in_app, renovations.cancel, renovation.id, world.supervisor.id, reason="业主取消")
    assert statuses(in_app, {**workers, "suspended": suspended}) == {
        P.applied: P.rejected,
        P.approved: P.revoked,
        P.revoked: P.revoked,
        "suspended": P.revoked,
    }
    with in_app():
        row = db.session.get(Renovation, renovation.id)
        assert row.deposit_status is DepositStatus.refundable
        revoked_history = (
            db.session.query(AuditRecord)
            .filter_by(entity_type="worker_pass", action="revoke")
            .count()
        )
        assert revoked_history == 2  # the approved and the suspended pass, one row each


def test_failed_completion_goes_back_for_rectification(factories, in_app, world):
    renovation = at_work(factories, world, status=R.inspection)
    with pytest.raises(ServiceError, match="what must be rectified"):
        act(in_app, renovations.fail, renovation.id, world.supervisor.id, notes=" ")
    act(in_app, renovations.fail, renovation.id, world.supervisor.id, notes="防水不合格")
    act(in_app, renovations.request_completion, renovation.id, world.reception.id)
    with in_app():
        assert db.session.get(Renovation, renovation.id).status is R.inspection
        kinds = [(i.kind, i.result) for i in db.session.query(RenovationInspection).order_by("id")]
        assert kinds == [(InspectionKind.completion, InspectionResult.failed)]


@pytest.mark.parametrize(
    ("kind", "result", "state"),
    [
        (InspectionKind.patrol, InspectionResult.ok, R.in_progress),
        (InspectionKind.patrol, InspectionResult.violation, R.stopped),
    ],
)
def test_an_inspection_entered_on_its_own_takes_the_same_step(
    factories, in_app, world, kind, result, state
):
    renovation = at_work(factories, world)
    with in_app():
        inspection = renovations.record_inspection(
            db.session.get(Renovation, renovation.id),
            db.session.get(Staff, world.guard.id),
            kind=kind,
            result=result,
            notes="巡查",
        )
        db.session.commit()
        assert db.session.get(Renovation, renovation.id).status is state
        assert inspection.result is result


def test_a_patrol_cannot_pass_a_completion_or_the_future(factories, in_app, world):
    renovation = at_work(factories, world)
    with pytest.raises(ServiceError, match="completion inspection is passed or failed"):
        act(
            in_app,
            renovations.record_inspection,
            renovation.id,
            world.guard.id,
            kind=InspectionKind.patrol,
            result=InspectionResult.passed,
        )
    with pytest.raises(ServiceError, match="cannot be in the future"):
        act(
            in_app,
            renovations.patrol,
            renovation.id,
            world.guard.id,
            at=clock.now() + timedelta(hours=2),
        )
    with in_app():
        assert db.session.query(RenovationInspection).count() == 0
