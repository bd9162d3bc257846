"""Move-in and move-out: the 11 steps in their order, each refused out of order, in another
estate, by a role that may not, or without its document (nothing written); the fees as paid
Payment rows; the inspection's defects as repair tickets; the keys last; the move-out
checklist and its hand-off to the supervisors."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    Attachment,
    MoveIn,
    MoveInStage,
    MoveInStep,
    Occupancy,
    PassStatus,
    Payment,
    PaymentState,
    ReleasePass,
    Reminder,
    Resident,
    ResidentRole,
    Role,
    Staff,
    Ticket,
    TicketCategory,
    Unit,
    VehiclePass,
)
from admin_app.moving import operations as moving
from admin_app.moving.operations import Document
from admin_app.services.errors import ServiceError
from tests.attachments import files

S = MoveInStage
# The seed's order (001 五 一), written out on its own.
ORDER = [
    "notify",
    "verify_notice",
    "sign_covenant",
    "register",
    "handbook",
    "renovation",
    "sign_receipt",
    "pay_fees",
    "inspect",
    "keys",
    "file",
]
NEEDS_DOCUMENT = {"verify_notice", "sign_covenant", "register", "sign_receipt"}
FEES = [("物业管理费(首期)", Decimal("1200.00")), ("装修押金", Decimal("2000"))]


def doc() -> Document:
    return Document(filename="scan.png", data=files.png(size=(40, 40), alpha=False))


def run(name: str, move_in, actor, **overrides):
    """One step with what the desk would give it."""
    stage = S(name)
    kwargs = {}
    if name in NEEDS_DOCUMENT:
        kwargs["document"] = doc()
    if name == "pay_fees":
        kwargs.update(lines=FEES, method="cash")
    if name == "inspect":
        kwargs["defects"] = ["客厅墙面裂缝", "主卧窗户关不严"]
    kwargs.update(overrides)
    return moving.VERBS[stage](move_in, actor, **kwargs)


@pytest.fixture
def world(factories):
    a, b = factories.estate(code="MA"), factories.estate(code="MB")
    unit = factories.unit(a, building="3", room="601")
    return SimpleNamespace(
        a=a,
        b=b,
        unit=unit,
        desk=factories.staff(Role.receptionist, estates=[a]),
        supervisor=factories.staff(Role.supervisor, estates=[a]),
        other_desk=factories.staff(Role.receptionist, estates=[b]),
        technician=factories.staff(Role.technician, estates=[a]),
        guard=factories.staff(Role.guard, estates=[a]),
    )


def started(in_app, world, upto: str | None = None) -> int:
    """A move-in of world.unit, walked by the desk up to (not including) step `upto`."""
    with in_app():
        desk = db.session.get(Staff, world.desk.id)
        move_in = moving.start(
            desk, unit=db.session.get(Unit, world.unit.id), name="李业主", phone="13900001111"
        )
        for name in ORDER[: ORDER.index(upto) if upto else 0]:
            run(name, move_in, desk)
        db.session.commit()
        return move_in.id


def attempt(in_app, move_in_id, name, actor_id, **overrides):
    """Run a step and commit, or roll back and re-raise the refusal."""
    with in_app():
        move_in = db.session.get(MoveIn, move_in_id)
        try:
            result = run(name, move_in, db.session.get(Staff, actor_id), **overrides)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        return result


def state(in_app, move_in_id) -> tuple:
    """What a refusal must leave untouched: the stage, the steps, files, fees, tickets."""
    with in_app():
        count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
        return (
            db.session.get(MoveIn, move_in_id).stage,
            count(MoveInStep),
            count(Attachment),
            count(Payment),
            count(Ticket),
        )


def test_a_household_walks_the_eleven_steps_each_kept_with_who_and_when(in_app, world):
    move_in_id = started(in_app, world)
    for name in ORDER:
        attempt(in_app, move_in_id, name, world.desk.id)
    with in_app():
        move_in = db.session.get(MoveIn, move_in_id)
        assert move_in.stage is S.done
        assert [s.step.value for s in move_in.steps] == ORDER
        assert {s.done_by_id for s in move_in.steps} == {world.desk.id}
        assert all(s.done_at <= clock.now() for s in move_in.steps)
        with_paper = {s.step.value for s in move_in.steps if s.attachment_id}
        assert with_paper == NEEDS_DOCUMENT
        assert len(move_in.attachments) == len(NEEDS_DOCUMENT)
        assert move_in.keys_handed_at is not None and move_in.filed_at is not None
        resident = move_in.resident
        assert resident.move_in == clock.today() and resident.move_out is None
        assert move_in.unit.occupancy is Occupancy.occupied


@pytest.mark.parametrize("at", ORDER)
def test_every_step_but_the_one_at_hand_is_refused_with_nothing_written(in_app, world, at):
    move_in_id = started(in_app, world, upto=at)
    before = state(in_app, move_in_id)
    for name in ORDER:
        if name == at:
            continue
        with pytest.raises(ServiceError):
            attempt(in_app, move_in_id, name, world.desk.id)
        assert state(in_app, move_in_id) == before


@pytest.mark.parametrize("at", ORDER[: ORDER.index("keys")])
def test_the_keys_are_refused_until_every_earlier_step_is_done(in_app, world, at):
    move_in_id = started(in_app, world, upto=at)
    with pytest.raises(ServiceError, match="keys are handed over last"):
        attempt(in_app, move_in_id, "keys", world.desk.id)
    with in_app():
        move_in = db.session.get(MoveIn, move_in_id)
        assert move_in.keys_handed_at is None and move_in.resident.move_in is None


@pytest.mark.parametrize("name", sorted(NEEDS_DOCUMENT))
def test_a_document_step_without_its_document_is_refused(in_app, world, name):
    move_in_id = started(in_app, world, upto=name)
    before = state(in_app, move_in_id)
    for missing in (None, Document(filename="empty.png", data=b"")):
        with pytest.raises(ServiceError, match="needs its document"):
            attempt(in_app, move_in_id, name, world.desk.id, document=missing)
    assert state(in_app, move_in_id) == before


def test_a_refused_file_leaves_the_step_undone(in_app, world):
    move_in_id = started(in_app, world, upto="sign_covenant")
    before = state(in_app, move_in_id)
    bad = Document(filename="x.png", data=b"<html><script>alert(1)</script></html>")
    with pytest.raises(ServiceError):
        attempt(in_app, move_in_id, "sign_covenant", world.desk.id, document=bad)
    assert state(in_app, move_in_id) == before


@pytest.mark.parametrize("who", ["other_desk", "technician", "guard"])
def test_another_estate_or_a_role_without_the_step_is_refused(in_app, world, who):
    move_in_id = started(in_app, world, upto="handbook")
    before = state(in_app, move_in_id)
    with pytest.raises(ServiceError):
        attempt(in_app, move_in_id, "handbook", getattr(world, who).id)
    assert state(in_app, move_in_id) == before


def test_only_a_supervisor_cancels_and_a_cancelled_move_in_takes_no_step(in_app, world):
    move_in_id = started(in_app, world, upto="handbook")
    with in_app():
        move_in = db.session.get(MoveIn, move_in_id)
        with pytest.raises(ServiceError):
            moving.cancel(move_in, db.session.get(Staff, world.desk.id), reason="业主退房")
        db.session.rollback()
        move_in = db.session.get(MoveIn, move_in_id)
        with pytest.raises(ServiceError):
            moving.cancel(move_in, db.session.get(Staff, world.supervisor.id), reason=" ")
        moving.cancel(move_in, db.session.get(Staff, world.supervisor.id), reason="业主退房")
        db.session.commit()
    with pytest.raises(ServiceError):
        attempt(in_app, move_in_id, "handbook", world.desk.id)


def test_starting_registers_the_owner_once_and_one_move_in_per_unit(in_app, world):
    started(in_app, world)
    with in_app():
        residents = db.session.query(Resident).filter_by(unit_id=world.unit.id).all()
        assert [(r.name, r.phone, r.move_in) for r in residents] == [
            ("李业主", "13900001111", None)
        ]
        with pytest.raises(ServiceError, match="already has a move-in"):
            moving.start(
                db.session.get(Staff, world.desk.id),
                unit=db.session.get(Unit, world.unit.id),
                name="李业主",
            )
        db.session.rollback()
        with pytest.raises(ServiceError):
            moving.start(
                db.session.get(Staff, world.other_desk.id),
                unit=db.session.get(Unit, world.unit.id),
                name="王五",
            )


def test_the_fees_are_paid_payments_with_receipts_linked_to_the_move_in(in_app, world):
    move_in_id = started(in_app, world, upto="pay_fees")
    taken = attempt(in_app, move_in_id, "pay_fees", world.desk.id)
    assert len(taken) == 2
    with in_app():
        rows = db.session.query(Payment).filter_by(move_in_id=move_in_id).order_by(Payment.id)
        assert [(p.item, p.amount, p.state, p.work_order_id) for p in rows] == [
            ("物业管理费(首期)", Decimal("1200.00"), PaymentState.paid, None),
            ("装修押金", Decimal("2000.00"), PaymentState.paid, None),
        ]
        assert all(p.number and p.collected_by_id == world.desk.id for p in rows)
        assert len({p.number for p in rows}) == 2


@pytest.mark.parametrize(
    "lines, method",
    [
        ([], "cash"),
        ([("押金", Decimal("0"))], "cash"),
        ([("押金", Decimal("-5"))], "cash"),
        ([("", Decimal("100"))], "cash"),
        ([("押金", None)], "cash"),
        (FEES, None),
    ],
)
def test_fees_without_a_named_positive_amount_or_a_method_are_refused(in_app, world, lines, method):
    move_in_id = started(in_app, world, upto="pay_fees")
    before = state(in_app, move_in_id)
    with pytest.raises(ServiceError):
        attempt(in_app, move_in_id, "pay_fees", world.desk.id, lines=lines, method=method)
    assert state(in_app, move_in_id) == before


def test_the_inspections_defects_become_repair_tickets_of_the_unit(in_app, world):
    move_in_id = started(in_app, world, upto="inspect")
    raised = attempt(in_app, move_in_id, "inspect", world.desk.id)
    assert len(raised) == 2
    with in_app():
        move_in = db.session.get(MoveIn, move_in_id)
        found = db.session.query(Ticket).order_by(Ticket.id).all()
        assert [t.category for t in found] == [TicketCategory.repair] * 2
        assert {t.unit_id for t in found} == {world.unit.id}
        assert {t.resident_id for t in found} == {move_in.resident_id}
        assert all(t.number and t.reporter_name == "李业主" for t in found)
        assert "客厅墙面裂缝" in found[0].description


def test_an_inspection_without_defects_raises_no_ticket(in_app, world):
    move_in_id = started(in_app, world, upto="inspect")
    assert attempt(in_app, move_in_id, "inspect", world.desk.id, defects=[" ", ""]) == []
    assert state(in_app, move_in_id)[4] == 0


def test_filing_is_refused_while_a_document_was_removed(in_app, world):
    move_in_id = started(in_app, world, upto="file")
    with in_app():
        move_in = db.session.get(MoveIn, move_in_id)
        db.session.delete(move_in.attachments[0])
        db.session.commit()
    with pytest.raises(ServiceError, match="Cannot file"):
        attempt(in_app, move_in_id, "file", world.desk.id)
    assert state(in_app, move_in_id)[0] is S.file


# ---- move-out ------------------------------------------------------------------------------
@pytest.fixture
def household(factories, in_app, world):
    owner = factories.resident(world.unit, name="赵住户")
    family = factories.resident(world.unit, name="赵小明")
    vehicle = factories.vehicle_pass(
        world.a,
        unit_id=world.unit.id,
        resident_id=owner.id,
        status=PassStatus.approved,
        valid_from=clock.today(),
        valid_until=clock.today() + timedelta(days=30),
    )
    with in_app():
        for r in (owner, family):
            db.session.get(Resident, r.id).move_in = clock.today() - timedelta(days=400)
        db.session.commit()
    return SimpleNamespace(owner=owner, family=family, vehicle=vehicle)


def move_out(in_app, world, actor_id, **kwargs):
    """A move-out; unless `leaving` names some, the whole household living there leaves."""
    kwargs.setdefault("keys_returned", True)
    with in_app():
        if "leaving" not in kwargs:
            kwargs["leaving"] = [r.id for r in moving.living_residents(world.unit.id)]
        try:
            done = moving.move_out(
                db.session.get(Staff, actor_id), unit=db.session.get(Unit, world.unit.id), **kwargs
            )
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        return SimpleNamespace(
            residents=len(done.residents),
            revoked=[p.id for p in done.revoked],
            told=done.supervisor_told,
            release=done.release.id if done.release else None,
        )


def gone(in_app, world) -> list:
    with in_app():
        return [r.move_out for r in db.session.query(Resident).filter_by(unit_id=world.unit.id)]


def test_a_supervisors_move_out_revokes_the_passes_and_marks_everyone_gone(
    in_app, world, household
):
    done = move_out(in_app, world, world.supervisor.id, items="沙发、冰箱")
    assert (done.residents, done.revoked, done.told) == (2, [household.vehicle.id], False)
    assert gone(in_app, world) == [clock.today(), clock.today()]
    with in_app():
        assert db.session.get(VehiclePass, household.vehicle.id).status is PassStatus.revoked
        release = db.session.get(ReleasePass, done.release)
        assert (release.status, release.items, release.applicant_id) == (
            PassStatus.applied,
            "沙发、冰箱",
            household.owner.id,
        )
        assert db.session.get(Unit, world.unit.id).occupancy is Occupancy.vacant


def test_a_tenant_leaving_moves_out_the_tenant_only_and_the_owner_stays(
    factories, in_app, world, household
):
    tenant = factories.resident(world.unit, name="钱租客", role=ResidentRole.tenant)
    with pytest.raises(ServiceError, match="Tick the residents"):
        move_out(in_app, world, world.supervisor.id, leaving=[])
    done = move_out(in_app, world, world.supervisor.id, leaving=[tenant.id], items="书桌")
    assert done.residents == 1 and done.revoked == []
    with in_app():
        left = {r.name: r.move_out for r in db.session.query(Resident)}
        assert left == {"赵住户": None, "赵小明": None, "钱租客": clock.today()}
        # The owner and the family stay: the unit is theirs to live in, not vacant.
        assert db.session.get(Unit, world.unit.id).occupancy is Occupancy.occupied
        # The owner's car pass is the owner's, who stays.
        assert db.session.get(VehiclePass, household.vehicle.id).status is PassStatus.approved
        release = db.session.get(ReleasePass, done.release)
        assert (release.applicant_id, release.applicant_name) == (tenant.id, "钱租客")
        assert release.applicant_is_tenant


def test_a_move_out_names_only_residents_living_in_the_unit(factories, in_app, world, household):
    elsewhere = factories.resident(factories.unit(world.a, room="702"), name="孙邻居")
    with pytest.raises(ServiceError, match="Only a resident living"):
        move_out(in_app, world, world.supervisor.id, leaving=[household.owner.id, elsewhere.id])
    assert gone(in_app, world) == [None, None]


def test_the_owner_leaving_a_rented_unit_keeps_it_rented(factories, in_app, world, household):
    factories.resident(world.unit, name="钱租客", role=ResidentRole.tenant)
    move_out(in_app, world, world.supervisor.id, leaving=[household.owner.id, household.family.id])
    with in_app():
        assert db.session.get(Unit, world.unit.id).occupancy is Occupancy.rented


def test_a_receptionists_move_out_leaves_the_passes_to_the_supervisors_who_are_told(
    in_app, world, household
):
    done = move_out(in_app, world, world.desk.id)
    assert (done.revoked, done.told, done.release) == ([], True, None)
    assert gone(in_app, world) == [clock.today(), clock.today()]
    with in_app():
        assert db.session.get(VehiclePass, household.vehicle.id).status is PassStatus.approved
        told = db.session.query(Reminder).filter_by(entity_type="unit").one()
        assert (told.rule, told.recipient_role, told.entity_id) == (
            "handoff_move_out_passes",
            "supervisor",
            world.unit.id,
        )


def test_a_move_out_is_refused_while_a_fee_is_owed_or_the_keys_are_out(
    factories, in_app, world, household
):
    with pytest.raises(ServiceError, match="keys"):
        move_out(in_app, world, world.desk.id, keys_returned=False)
    order = factories.work_order(world.a, unit_id=world.unit.id)
    factories.payment(world.a, state=PaymentState.unpaid, number=None, paid_at=None)
    with in_app():
        db.session.query(Payment).one().work_order_id = order.id
        db.session.commit()
    with pytest.raises(ServiceError, match="still owed"):
        move_out(in_app, world, world.desk.id)
    assert gone(in_app, world) == [None, None]
    with in_app():
        assert db.session.query(ReleasePass).count() == 0


def test_a_move_out_in_another_estate_or_of_an_empty_unit_is_refused(in_app, world, household):
    with pytest.raises(ServiceError):
        move_out(in_app, world, world.other_desk.id)
    with pytest.raises(ServiceError):
        move_out(in_app, world, world.guard.id)
    move_out(in_app, world, world.supervisor.id)
    with pytest.raises(ServiceError, match="Nobody is living"):
        move_out(in_app, world, world.supervisor.id)


def test_a_removed_document_attached_again_lets_the_papers_be_filed(in_app, world):
    move_in_id = started(in_app, world, upto="file")
    with in_app():
        move_in = db.session.get(MoveIn, move_in_id)
        db.session.delete(move_in.attachments[0])
        db.session.commit()
        move_in = db.session.get(MoveIn, move_in_id)
        desk = db.session.get(Staff, world.desk.id)
        assert moving.missing_documents(move_in) == [S.verify_notice]
        with pytest.raises(ServiceError):
            moving.reattach(move_in, desk, stage=S.sign_covenant, document=doc())
        with pytest.raises(ServiceError):
            moving.reattach(move_in, desk, stage=S.verify_notice, document=None)
        with pytest.raises(ServiceError):
            moving.reattach(
                move_in,
                db.session.get(Staff, world.guard.id),
                stage=S.verify_notice,
                document=doc(),
            )
        db.session.rollback()
        move_in = db.session.get(MoveIn, move_in_id)
        moving.reattach(move_in, desk, stage=S.verify_notice, document=doc())
        db.session.commit()
    attempt(in_app, move_in_id, "file", world.desk.id)
    assert state(in_app, move_in_id)[0] is S.done


def test_filing_puts_the_papers_in_the_households_archive(in_app, world):
    from admin_app.models import DocumentKind, HouseholdDocument

    move_in_id = started(in_app, world, upto="file")
    attempt(in_app, move_in_id, "file", world.desk.id)
    with in_app():
        move_in = db.session.get(MoveIn, move_in_id)
        filed = db.session.scalars(
            select(HouseholdDocument).where(HouseholdDocument.unit_id == world.unit.id)
        ).all()
        assert sorted(d.kind.value for d in filed) == sorted(
            [DocumentKind.other.value] * 2
            + [DocumentKind.agreement.value, DocumentKind.registration_form.value]
        )
        assert {d.resident_id for d in filed} == {move_in.resident_id}


def test_a_tenant_leaving_the_owner_in_the_flat_returns_no_keys_to_the_office(
    factories, in_app, world, household
):
    """The keys come back to the office when the flat is left empty; a tenant who leaves the
    owner living there hands them over at home, and the checklist does not ask for them."""
    tenant = factories.resident(world.unit, name="钱租客", role=ResidentRole.tenant)
    done = move_out(in_app, world, world.supervisor.id, leaving=[tenant.id], keys_returned=False)
    assert done.residents == 1
    with pytest.raises(ServiceError, match="keys"):
        move_out(in_app, world, world.supervisor.id, keys_returned=False)  # the last ones leave
    assert sorted(gone(in_app, world), key=lambda d: d is None) == [clock.today(), None, None]
