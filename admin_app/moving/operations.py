"""The move-in verbs (001 五 一): the household walks the office's 11 steps in order, each done
by someone at a time, the signed papers attached; fees are paid through payments, the house
inspection's defects become repair tickets, and the keys are handed over last. And the
move-out (001 一(二)5): fees settled, keys back, the household's passes revoked, a release pass
for the furniture, the residents marked gone (which starts the retention clock).

Every step goes through the MOVE_IN machine: the move-in's `stage` is the step it waits for,
so a step out of order, by a role that may not, or in another estate is refused with nothing
written.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from admin_app import clock
from admin_app.archive import operations as archive
from admin_app.attachments import operations as attachments
from admin_app.auth.checks import check_may
from admin_app.auth.permissions import may
from admin_app.extensions import db
from admin_app.models import (
    Attachment,
    Channel,
    DocumentKind,
    HouseholdDocument,
    MoveIn,
    MoveInStage,
    MoveInStep,
    Occupancy,
    PassStatus,
    Payment,
    PaymentState,
    ReleasePass,
    Renovation,
    Resident,
    ResidentRole,
    Role,
    Ticket,
    TicketCategory,
    Unit,
    VehiclePass,
    WorkerPass,
    WorkOrder,
)
from admin_app.passes import operations as passes
from admin_app.payments import operations as payments
from admin_app.services import handoffs, history, household, storage
from admin_app.services.errors import ServiceError
from admin_app.services.reminders.handoff_kinds import MOVE_OUT_PASSES
from admin_app.services.workflow import ACTION_LABELS, StateMachine, step
from admin_app.tickets import operations as tickets

S = MoveInStage
# The 11 steps in the seed's order; each leads to the next, the last to done.
STEPS = (
    S.notify,
    S.verify_notice,
    S.sign_covenant,
    S.register,
    S.handbook,
    S.renovation,
    S.sign_receipt,
    S.pay_fees,
    S.inspect,
    S.keys,
    S.file,
)
OPEN = frozenset(STEPS)
NEXT = dict(zip(STEPS, (*STEPS[1:], S.done), strict=True))
# The steps whose signed or checked paper is kept as the step's attachment.
DOCUMENTS = {
    S.verify_notice: _l("Move-in notice"),
    S.sign_covenant: _l("Signed interim owners' covenant"),
    # The registration form only: the ID copy is personal data, filed apart (see register).
    S.register: _l("Registration form"),
    S.sign_receipt: _l("Signed receipt of handed-over items"),
}
DEFECTS_MAX = 20

MOVE_IN = StateMachine(
    "move_in",
    [
        *(step(s.value, s.label, {s}, NEXT[s]) for s in STEPS),
        step("cancel", _l("Cancel the move-in"), OPEN, S.cancelled),
    ],
    field="stage",
)
ACTION_LABELS[("move_in", "start")] = _l("Move-in started")
ACTION_LABELS[("unit", "move_out")] = _l("Moved out")


@dataclass(frozen=True)
class Document:
    """A paper scanned or photographed at the desk: its file name and bytes."""

    filename: str
    data: bytes


# ---- starting ------------------------------------------------------------------------------
def open_move_in(unit_id: int) -> MoveIn | None:
    return (
        db.session.query(MoveIn)
        .filter(MoveIn.unit_id == unit_id, MoveIn.stage.in_(OPEN))
        .order_by(MoveIn.id)
        .first()
    )


def start(
    actor,
    *,
    unit: Unit | None,
    resident: Resident | None = None,
    name: str = "",
    phone: str = "",
    role: ResidentRole = ResidentRole.owner,
) -> MoveIn:
    """A household is due to move in: the unit's registered resident, or a new one (name and
    phone) registered here. One open move-in per unit."""
    if unit is None:
        raise ServiceError(_l("Choose the unit."))
    check_may(actor, "move_in.start", unit.estate_id)
    if open_move_in(unit.id) is not None:
        raise ServiceError(_l("%(unit)s already has a move-in in progress."), unit=str(unit))
    with history.action("start", actor=actor):
        if resident is None:
            name, phone = (name or "").strip(), (phone or "").strip()
            if not name:
                raise ServiceError(_l("Enter the name of the owner moving in."))
            resident = (
                db.session.query(Resident)
                .filter_by(unit_id=unit.id, name=name, phone=phone or None)
                .first()
            )
            if resident is None:
                resident = Resident(
                    estate_id=unit.estate_id,
                    unit_id=unit.id,
                    name=name[:50],
                    phone=phone[:20] or None,
                    role=ResidentRole(role),
                )
                db.session.add(resident)
        else:
            household.check_lives_in(resident, unit)
        move_in = MoveIn(
            estate_id=unit.estate_id,
            unit_id=unit.id,
            unit=unit,
            resident=resident,
            stage=S.notify,
            started_by_id=actor.id,
        )
        db.session.add(move_in)
        db.session.flush()
    return move_in


def owners_still_listed(move_in: MoveIn) -> list[Resident]:
    """Owners other than the one moving in who are still listed as living in the unit. A flat
    may have two owners, so this is no refusal; but a sold flat's former owner left listed
    keeps getting the unit's texts and confirming its tenants' release slips."""
    if move_in.resident is None or move_in.resident.role is not ResidentRole.owner:
        return []
    return [
        r
        for r in living_residents(move_in.unit_id)
        if r.role is ResidentRole.owner and r.id != move_in.resident.id
    ]


# ---- the steps -----------------------------------------------------------------------------
@contextlib.contextmanager
def _step(move_in: MoveIn, stage: MoveInStage, actor, *, note: str = "", document=None):
    """Run one step: the machine's checks (order, role, estate), the step's record with its
    document, then the verb's own changes; a refusal anywhere writes nothing."""
    if stage in DOCUMENTS and not _has_data(document):
        raise ServiceError(
            _l("“%(step)s” needs its document: attach %(document)s."),
            step=str(stage.label),
            document=str(DOCUMENTS[stage]),
        )
    with MOVE_IN.transition(move_in, stage.value, actor):
        done = MoveInStep(
            estate_id=move_in.estate_id,
            move_in_id=move_in.id,
            step=stage,
            done_at=clock.now(),
            done_by_id=actor.id,
            note=(note or "").strip()[:500] or None,
        )
        if _has_data(document):
            done.attachment_id = attachments.add_attachment(
                move_in,
                actor,
                data=document.data,
                filename=document.filename,
                caption=str(DOCUMENTS.get(stage, stage.label))[:200],
            ).id
        db.session.add(done)
        yield done


def _has_data(document) -> bool:
    return document is not None and bool(document.data)


def notify(move_in: MoveIn, actor, *, note: str = "", document: Document | None = None):
    """1 The household is told to come and move in (how: letter, phone, text)."""
    with _step(move_in, S.notify, actor, note=note, document=document):
        pass


def verify_notice(move_in: MoveIn, actor, *, document: Document | None, note: str = ""):
    """2 The move-in notice the owner brings is checked; a copy is kept."""
    with _step(move_in, S.verify_notice, actor, note=note, document=document):
        pass


def sign_covenant(move_in: MoveIn, actor, *, document: Document | None, note: str = ""):
    """3 The owner signs the interim owners' covenant."""
    with _step(move_in, S.sign_covenant, actor, note=note, document=document):
        pass


def register(
    move_in: MoveIn,
    actor,
    *,
    document: Document | None,
    id_copy: Document | None = None,
    phone: str = "",
    note: str = "",
):
    """4 The registration form is filled in (printed from the panel) and the ID copy taken.

    The two are kept apart: the form is the step's attachment (the desk opens it), the ID copy
    goes straight to the household's archive as an ID copy, encrypted and opened only by those
    who may see ID numbers — never as a move-in attachment, which the whole desk can open. The
    archive refuses an ID copy from a role that may not file one, with nothing saved."""
    with _step(move_in, S.register, actor, note=note, document=document):
        phone = (phone or "").strip()
        if phone:
            move_in.resident.phone = phone[:20]
        if _has_data(id_copy):
            archive.add_document(
                move_in.unit,
                move_in.resident,
                kind=DocumentKind.id_copy,
                data=id_copy.data,
                filename=id_copy.filename,
                actor=actor,
                note=str(S.register.label),
            )


def registration_taken(move_in: MoveIn) -> tuple[MoveInStep | None, bool]:
    """Step 4 as the printed registration form shows it once done: who took it and when, and
    whether an ID copy is on file (that one is, only: the copy opens in the archive, for those
    who may see it)."""
    taken = next((s for s in move_in.steps if s.step is S.register), None)
    if taken is None or move_in.resident_id is None:
        return taken, False
    filed = (
        db.session.query(HouseholdDocument.id)
        .filter(
            HouseholdDocument.unit_id == move_in.unit_id,
            HouseholdDocument.resident_id == move_in.resident_id,
            HouseholdDocument.kind == DocumentKind.id_copy,
        )
        .first()
    )
    return taken, filed is not None


def handbook(move_in: MoveIn, actor, *, note: str = ""):
    """5 The owner's handbook and the two documents (quality guarantee, instructions)."""
    with _step(move_in, S.handbook, actor, note=note):
        pass


def renovation(move_in: MoveIn, actor, *, plans_renovation: bool = False, note: str = ""):
    """6 Renovation formalities: none planned, or the application to take (renovations)."""
    planned = _l("Renovation planned: take the application.") if plans_renovation else ""
    with _step(move_in, S.renovation, actor, note=" ".join(p for p in (str(planned), note) if p)):
        pass


def sign_receipt(move_in: MoveIn, actor, *, document: Document | None, note: str = ""):
    """7 The owner signs the receipt of the handed-over items and papers."""
    with _step(move_in, S.sign_receipt, actor, note=note, document=document):
        pass


def pay_fees(move_in: MoveIn, actor, *, lines, method, note: str = "") -> list[Payment]:
    """8 The move-in fees, each paid with its receipt (payments.take_move_in_fees)."""
    with _step(move_in, S.pay_fees, actor, note=note):
        taken = payments.take_move_in_fees(move_in, actor, lines=lines, method=method)
    return taken


def inspect(move_in: MoveIn, actor, *, defects=(), note: str = "") -> list[Ticket]:
    """9 The house is inspected with the owner; each defect found becomes a repair ticket."""
    found = [d.strip() for d in defects if (d or "").strip()]
    if len(found) > DEFECTS_MAX:
        raise ServiceError(_l("At most %(max)s defects at a time."), max=DEFECTS_MAX)
    raised = []
    with _step(move_in, S.inspect, actor, note=note):
        for defect in found:
            ticket = Ticket(
                estate_id=move_in.estate_id,
                category=TicketCategory.repair,
                channel=Channel.patrol,
                unit_id=move_in.unit_id,
                resident_id=move_in.resident_id,
                description=str(_l("Move-in inspection: %(defect)s", defect=defect)),
                received_by_id=actor.id,
                received_at=clock.now(),
            )
            db.session.add(ticket)
            tickets.take_call(ticket, actor)
            raised.append(ticket)
    return raised


def hand_over_keys(move_in: MoveIn, actor, *, note: str = "") -> None:
    """10 The keys, last: refused while any earlier step is open. The residents are moved in."""
    if move_in.stage in OPEN and STEPS.index(move_in.stage) < STEPS.index(S.keys):
        raise ServiceError(
            _l("The keys are handed over last: “%(step)s” is not done yet."),
            step=str(move_in.stage.label),
        )
    with _step(move_in, S.keys, actor, note=note):
        now = clock.now()
        move_in.keys_handed_at = now
        resident = move_in.resident
        if resident.move_in is None:
            resident.move_in = now.date()
        resident.move_out = None
        unit = move_in.unit
        if resident.role is ResidentRole.tenant:
            unit.occupancy = Occupancy.rented
        elif unit.occupancy is not Occupancy.rented:
            unit.occupancy = Occupancy.occupied


def missing_documents(move_in: MoveIn) -> list[MoveInStage]:
    """The document steps whose paper is no longer attached (removed since)."""
    kept = {
        s.step: s.attachment_id
        for s in move_in.steps
        if s.attachment_id is not None and db.session.get(Attachment, s.attachment_id)
    }
    return [stage for stage in DOCUMENTS if stage not in kept]


def reattach(move_in: MoveIn, actor, *, stage: MoveInStage, document: Document | None):
    """A done step's paper was removed since (a wrong scan): the new one takes its place, so
    that the documents can be filed."""
    stage = MoveInStage(stage)
    done = done_steps(move_in).get(stage)
    if stage not in DOCUMENTS or done is None:
        raise ServiceError(_l("Only a done step's document can be attached again."))
    if stage not in missing_documents(move_in):
        raise ServiceError(_l("This step's document is already attached."))
    if not _has_data(document):
        raise ServiceError(_l("Choose the scan or photo of the document."))
    with history.action("add_attachment", actor=actor):
        done.attachment_id = attachments.add_attachment(
            move_in,
            actor,
            data=document.data,
            filename=document.filename,
            caption=str(DOCUMENTS[stage])[:200],
        ).id
        db.session.flush()


def file(move_in: MoveIn, actor, *, note: str = "") -> None:
    """11 The papers go to the archive: every document step's paper must be there."""
    with _step(move_in, S.file, actor, note=note):
        missing = missing_documents(move_in)
        if missing:
            raise ServiceError(
                _l("Cannot file: attach %(documents)s first."),
                documents=", ".join(str(DOCUMENTS[s]) for s in missing),
            )
        _archive_papers(move_in, actor)
        move_in.filed_at = clock.now()


# The paper of each document step, as the household's archive keeps it.
ARCHIVED_AS = {
    S.verify_notice: DocumentKind.other,
    S.sign_covenant: DocumentKind.agreement,
    S.register: DocumentKind.registration_form,
    S.sign_receipt: DocumentKind.other,
}


def _archive_papers(move_in: MoveIn, actor) -> None:
    """Filing puts each document step's paper in the household's archive (archive/), where
    the unit's and the owner's pages show it beside the household's other documents."""
    for done in sorted(move_in.steps, key=lambda s: s.done_at):
        if done.step not in ARCHIVED_AS or done.attachment_id is None:
            continue
        paper = db.session.get(Attachment, done.attachment_id)
        archive.add_document(
            move_in.unit,
            move_in.resident,
            kind=ARCHIVED_AS[done.step],
            data=storage.read(paper.stored_file),
            filename=paper.filename or "scan",
            actor=actor,
            document_date=done.done_at.date(),
            note=str(DOCUMENTS[done.step]),
        )


def cancel(move_in: MoveIn, actor, *, reason: str) -> None:
    if not (reason or "").strip():
        raise ServiceError(_l("Say why the move-in is cancelled."))
    with MOVE_IN.transition(move_in, "cancel", actor):
        move_in.cancel_reason = reason.strip()


VERBS = {
    S.notify: notify,
    S.verify_notice: verify_notice,
    S.sign_covenant: sign_covenant,
    S.register: register,
    S.handbook: handbook,
    S.renovation: renovation,
    S.sign_receipt: sign_receipt,
    S.pay_fees: pay_fees,
    S.inspect: inspect,
    S.keys: hand_over_keys,
    S.file: file,
}


def done_steps(move_in: MoveIn) -> dict[MoveInStage, MoveInStep]:
    return {s.step: s for s in move_in.steps}


# ---- move-out ------------------------------------------------------------------------------
LIVE_PASSES = (PassStatus.approved, PassStatus.suspended)


@dataclass
class MoveOut:
    """What a move-out did: who moved out, the passes revoked (or left to the supervisor), and
    the release pass for the furniture."""

    residents: list = field(default_factory=list)
    revoked: list = field(default_factory=list)
    supervisor_told: bool = False
    release: ReleasePass | None = None


USUAL_FEES = 12  # the names offered at the fee step


def usual_fees(estate_id: int) -> list[str]:
    """The fees this estate's move-ins were charged over the last year, most often first: the
    fee step offers them, so the desk picks "物业费（预交三个月）" instead of typing it again."""
    since = clock.now() - timedelta(days=365)
    return [
        item
        for (item,) in db.session.query(Payment.item)
        .filter(
            Payment.estate_id == estate_id,
            Payment.move_in_id.isnot(None),
            Payment.created_at >= since,
        )
        .group_by(Payment.item)
        .order_by(func.count().desc(), Payment.item)
        .limit(USUAL_FEES)
    ]


def unpaid_fees(unit_id: int) -> list[Payment]:
    """The unit's fees still owed at the office: its work orders' and its move-ins'."""
    orders = db.session.query(WorkOrder.id).filter(WorkOrder.unit_id == unit_id)
    moves = db.session.query(MoveIn.id).filter(MoveIn.unit_id == unit_id)
    return (
        db.session.query(Payment)
        .filter(
            Payment.state == PaymentState.unpaid,
            Payment.work_order_id.in_(orders) | Payment.move_in_id.in_(moves),
        )
        .order_by(Payment.id)
        .all()
    )


def household_passes(unit_id: int, resident_ids: list[int], *, whole_unit: bool = True) -> list:
    """The passes still usable at the gate of those leaving: their vehicles, and when the
    whole household goes the unit's vehicles and its renovation workers too. Whoever stays
    keeps the unit's other passes."""
    mine = VehiclePass.resident_id.in_(resident_ids or [-1])
    vehicles = (
        db.session.query(VehiclePass)
        .filter(
            VehiclePass.status.in_(LIVE_PASSES),
            ((VehiclePass.unit_id == unit_id) | mine) if whole_unit else mine,
        )
        .order_by(VehiclePass.id)
        .all()
    )
    if not whole_unit:
        return vehicles
    workers = (
        db.session.query(WorkerPass)
        .join(Renovation, WorkerPass.renovation_id == Renovation.id)
        .filter(WorkerPass.status.in_(LIVE_PASSES), Renovation.unit_id == unit_id)
        .order_by(WorkerPass.id)
        .all()
    )
    return [*vehicles, *workers]


def living_residents(unit_id: int) -> list[Resident]:
    return (
        db.session.query(Resident)
        .filter(Resident.unit_id == unit_id, Resident.living_on(clock.today()))
        .order_by(Resident.id)
        .all()
    )


def move_out(
    actor,
    *,
    unit: Unit | None,
    leaving: list[int] | tuple[int, ...] = (),
    keys_returned: bool,
    items: str = "",
    moving_date: date | None = None,
) -> MoveOut:
    """The residents named in `leaving` leave: refused while a fee is owed, or while the keys
    are not back when nobody stays. Their passes are revoked by whoever may (else the supervisors are told to), a release
    pass is applied for in a leaver's name when furniture goes out, and each leaver is marked
    moved out today — the day the retention clock counts from (retention/anonymise.py).

    Only those named leave: a tenant household leaving a rented flat must not take the owner
    (still the unit's owner, and the one who confirms the tenant's release slip) with it. The
    unit's occupancy follows who remains; it is vacant only when nobody does."""
    if unit is None:
        raise ServiceError(_l("Choose the unit."))
    check_may(actor, "move_in.move_out", unit.estate_id)
    residents = living_residents(unit.id)
    if not residents:
        raise ServiceError(_l("Nobody is living in %(unit)s."), unit=str(unit))
    wanted = {int(i) for i in leaving or ()}
    if not wanted:
        raise ServiceError(_l("Tick the residents who are leaving."))
    if not wanted <= {r.id for r in residents}:
        raise ServiceError(_l("Only a resident living in %(unit)s can move out."), unit=str(unit))
    remaining = [r for r in residents if r.id not in wanted]
    residents = [r for r in residents if r.id in wanted]
    owed = unpaid_fees(unit.id)
    if owed:
        total = sum((p.amount for p in owed), Decimal("0.00"))
        raise ServiceError(
            _l("Fees of %(amount)s are still owed: settle them at the desk first."),
            amount=f"{total:.2f}",
        )
    # The keys come back to the office when the flat is left empty; a tenant leaving the owner
    # (or family) in the flat hands them to whoever stays.
    if not keys_returned and not remaining:
        raise ServiceError(_l("The keys must be returned first."))
    today = clock.today()
    done = MoveOut(residents=residents)
    with history.action("move_out", actor=actor):
        if (items or "").strip():
            done.release = _release_pass(unit, residents, items, moving_date or today)
        live = household_passes(unit.id, [r.id for r in residents], whole_unit=not remaining)
        if live and all(may(actor, f"{type(p).__tablename__}.revoke") for p in live):
            for record in live:
                passes.revoke(record, actor, reason=str(_l("The household moved out.")))
                done.revoked.append(record)
        elif live:
            # Told once per unit and day: the same move-out submitted twice tells nobody anew.
            handoffs.tell(unit, MOVE_OUT_PASSES, f"move_out:{today:%Y%m%d}", role=Role.supervisor)
            done.supervisor_told = True
        for resident in residents:
            resident.move_out = today
        unit.occupancy = occupancy_of(remaining)
        db.session.flush()
    return done


def occupancy_of(remaining: list[Resident]) -> Occupancy:
    """The unit's occupancy from the residents still living there: a tenant makes it rented,
    anyone else occupied, nobody vacant."""
    if not remaining:
        return Occupancy.vacant
    if any(r.role is ResidentRole.tenant for r in remaining):
        return Occupancy.rented
    return Occupancy.occupied


def _release_pass(unit: Unit, residents: list[Resident], items: str, moving_date: date):
    # In the name of one who leaves (an owner among them first): the furniture is theirs, and
    # a tenant's slip waits for the owner's confirmation as any tenant's does (passes/).
    applicant = next((r for r in residents if r.role is ResidentRole.owner), residents[0])
    release = ReleasePass(
        estate_id=unit.estate_id,
        unit=unit,
        applicant=applicant,
        applicant_name=applicant.name,
        applicant_phone=applicant.phone,
        items=items.strip(),
        moving_date=moving_date,
    )
    passes.check_application(release, is_new=True)
    db.session.add(release)
    passes.announce_application(release)
    return release
