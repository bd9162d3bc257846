"""Passes (证件/放行): approve, reject, revoke, renew and reissue; the owner's confirmation of a
tenant's large-item release and the guard letting it out; what the gate makes of a pass.

The three kinds share one lifecycle (applied → approved / rejected → revoked or expired; a
release also becomes "released"); each kind has its own state machine because each is its own
resource in the permissions table. Worker passes follow their renovation: the renovation
service suspends, reinstates and ends them through the cascade verbs at the bottom.
"""

from __future__ import annotations

import calendar
import secrets
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect

from admin_app import clock
from admin_app.auth.permissions import APPROVERS, may
from admin_app.auth.scope import estate_allowed
from admin_app.extensions import db
from admin_app.models import (
    GateResult,
    PassStatus,
    ReleaseApprover,
    ReleasePass,
    Renovation,
    RenovationStatus,
    Resident,
    ResidentRole,
    Role,
    VehiclePass,
    WorkerPass,
)
from admin_app.services import handoffs, history, household
from admin_app.services.errors import Forbidden, NotFound, ServiceError
from admin_app.services.reminders import manual
from admin_app.services.workflow import StateMachine, step

P = PassStatus
R = RenovationStatus
# A renovation in these states may have usable worker passes; stopped ones suspend them.
WORKING = frozenset({R.permitted, R.in_progress, R.inspection, R.failed})
ENDED = frozenset({R.accepted, R.cancelled})


def awaiting_owner(release: ReleasePass) -> bool:
    return bool(release.applicant_is_tenant) and release.owner_confirmed_at is None


def _lifecycle():
    return [
        step("approve", _l("Approve"), {P.applied}, P.approved),
        step("reject", _l("Reject"), {P.applied}, P.rejected),
        step("revoke", _l("Revoke"), {P.approved, P.suspended}, P.revoked),
        step("reissue", _l("Reissue (voids printed copies)"), {P.approved}, None),
        step("remind", _l("Send a reminder now"), {P.applied}, None),
        # The applicant withdraws: the resident from their own pages, or the desk for them.
        step(
            "cancel", _l("Cancel at the applicant's request"), {P.applied, P.approved}, P.cancelled
        ),
    ]


def _renew():
    return step("renew", _l("Renew"), {P.approved, P.expired}, P.approved)


WORKER_PASS = StateMachine("worker_pass", [*_lifecycle(), _renew()])
VEHICLE_PASS = StateMachine("vehicle_pass", [*_lifecycle(), _renew()])


def release_approvers(estate) -> frozenset[Role]:
    """Who approves (and rejects) a large-item release slip in the estate: its setting."""
    desk = estate is not None and estate.release_approver is ReleaseApprover.receptionist
    return frozenset({Role.receptionist, Role.supervisor, Role.admin} if desk else APPROVERS)


def _release_approver(record, actor):
    if getattr(actor, "role", None) in release_approvers(record.estate):
        return None
    return _l("In this estate, release slips are approved by a supervisor.")


def _release_lifecycle():
    decide = {"approve", "reject"}
    return [
        step(t.name, t.label, t.sources, t.target, t.applies, who=_release_approver)
        if t.name in decide
        else t
        for t in _lifecycle()
    ]


RELEASE_PASS = StateMachine(
    "release_pass",
    [
        *_release_lifecycle(),
        step(
            "confirm_owner",
            _l("Record the owner's confirmation"),
            {P.applied},
            None,
            applies=awaiting_owner,
        ),
        step("release", _l("Let out at the gate"), {P.approved}, P.released),
    ],
)
MACHINES = {"worker_pass": WORKER_PASS, "vehicle_pass": VEHICLE_PASS, "release_pass": RELEASE_PASS}


def machine_for(record) -> StateMachine:
    return MACHINES[type(record).__tablename__]


# ---- validity ------------------------------------------------------------------------------
def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def proposed_window(record) -> tuple[date | None, date | None]:
    """The validity an approver starts from: what was applied for, else the kind's default
    (worker: until the permit ends; vehicle: one month; release: the moving day)."""
    today = clock.today()
    if isinstance(record, ReleasePass):
        return record.valid_from or record.moving_date, record.valid_until or record.moving_date
    start = record.valid_from or today
    if isinstance(record, WorkerPass):
        return start, record.valid_until or record.renovation.permit_valid_until
    return start, record.valid_until or add_months(start, 1) - timedelta(days=1)


def renewal_default(record) -> date:
    """Vehicle: one more month after the current end (or from today once lapsed); worker:
    the end of the permit."""
    if isinstance(record, WorkerPass):
        return record.renovation.permit_valid_until or clock.today()
    base = max(record.valid_until or clock.today(), clock.today() - timedelta(days=1))
    return add_months(base + timedelta(days=1), 1) - timedelta(days=1)


def check_window(record, valid_from: date | None, valid_until: date | None) -> None:
    if valid_from is None or valid_until is None:
        raise ServiceError(_l("Enter the first and the last day of validity."))
    if valid_until < valid_from:
        raise ServiceError(_l("The validity ends before it starts."))
    if valid_until < clock.today():
        raise ServiceError(_l("This validity has already ended."))
    if isinstance(record, WorkerPass):
        permit_until = record.renovation.permit_valid_until
        if permit_until is None:
            raise ServiceError(_l("The renovation has no permit yet."))
        if valid_until > permit_until:
            raise ServiceError(
                _l("A worker pass cannot outlast the renovation permit (valid until %(date)s)."),
                date=permit_until.isoformat(),
            )
    if isinstance(record, ReleasePass) and not valid_from <= record.moving_date <= valid_until:
        raise ServiceError(_l("The validity must include the moving date."))


def _check_renovation_open(worker: WorkerPass) -> None:
    renovation = worker.renovation
    if renovation.status is R.stopped:
        raise ServiceError(
            _l("Renovation %(number)s is stopped for a violation: no worker passes until then."),
            number=renovation.number,
        )
    if renovation.status not in WORKING:
        raise ServiceError(
            _l("Renovation %(number)s is “%(state)s”: it has no usable worker passes."),
            number=renovation.number,
            state=str(renovation.status),
        )
    if renovation.permit_valid_until is None:
        raise ServiceError(_l("The renovation has no permit yet."))


def takes_worker_passes(renovation) -> bool:
    """A worker pass may be applied for while the renovation has not ended (it is approved
    only once the work may go on: see _check_renovation_open)."""
    return renovation.status not in ENDED


def renovations_taking_worker_passes(query):
    """The same rule as a filter: the renovations a worker-pass form offers."""
    return query.filter(Renovation.status.notin_(ENDED))


def carry_over(record) -> None:
    """What the panel already knows is not typed twice: a release slip's applicant name and
    phone from the resident picked, a worker's company from the renovation's contractor, where
    the form left them empty. Typed values win (someone applying for the resident, a worker of
    a subcontractor)."""
    if isinstance(record, ReleasePass) and record.applicant is not None:
        household.take_contact(record, record.applicant, "applicant_name", "applicant_phone")
    if isinstance(record, WorkerPass) and record.renovation is not None:
        household.fill_if_left_empty(record, "company", record.renovation.contractor)


def check_application(record, *, is_new: bool) -> None:
    """What the front desk typed makes sense (create and edit forms call this)."""
    if record.valid_from and record.valid_until and record.valid_until < record.valid_from:
        raise ServiceError(_l("The validity ends before it starts."))
    if isinstance(record, WorkerPass):
        renovation = record.renovation
        if renovation is not None and not takes_worker_passes(renovation):
            raise ServiceError(
                _l("Renovation %(number)s is “%(state)s”: it has no usable worker passes."),
                number=renovation.number,
                state=str(renovation.status),
            )
        permit_until = renovation.permit_valid_until if renovation is not None else None
        if permit_until and record.valid_until and record.valid_until > permit_until:
            raise ServiceError(
                _l("A worker pass cannot outlast the renovation permit (valid until %(date)s)."),
                date=permit_until.isoformat(),
            )
    if isinstance(record, VehiclePass) and record.resident is not None:
        if record.unit is None:
            record.unit = record.resident.unit
        else:
            household.check_lives_in(record.resident, record.unit)
    if isinstance(record, ReleasePass):
        _check_release_application(record, is_new)


def _check_release_application(release: ReleasePass, is_new: bool) -> None:
    # The name may be left empty on the form for a resident picked (carry_over), not otherwise.
    if not (release.applicant_name or "").strip():
        raise ServiceError(_l("Enter the applicant's name."))
    applicant = release.applicant
    if applicant is not None:
        household.check_lives_in(applicant, release.unit)
        # A tenant's release needs the owner: the registered role decides, not only the box.
        release.applicant_is_tenant = (
            bool(release.applicant_is_tenant) or applicant.role is ResidentRole.tenant
        )
    if not (release.items or "").strip():
        raise ServiceError(_l("List the items to be taken out."))
    if is_new and release.moving_date and release.moving_date < clock.today():
        raise ServiceError(_l("The moving date has already passed."))
    state = inspect(release)
    changed = any(state.attrs[k].history.has_changes() for k in ("items", "moving_date", "unit"))
    if release.owner_confirmed_at is not None and changed:
        # The owner confirmed other items or another day: ask again.
        release.owner_confirmed_at = None
        release.owner_confirmed_by = None


def announce_application(record) -> None:
    """A new application reaches whoever decides it; a tenant's release slip only once the
    owner has confirmed it (confirm_owner), as nobody can approve it before."""
    db.session.flush()  # its id and the history row naming who registered it
    if isinstance(record, ReleasePass) and awaiting_owner(record):
        return
    handoffs.applied(record, approver_role(record))


def approver_role(record) -> Role:
    """Whom a waiting application is announced to: the supervisors, or the estate's desk
    for the release slips it decides itself."""
    if isinstance(record, ReleasePass) and Role.receptionist in release_approvers(record.estate):
        return Role.receptionist
    return Role.supervisor


def _decided(record, actor, verdict: str) -> None:
    db.session.flush()  # the decision's history row: it names the event told
    handoffs.decided(record, actor, verdict)


# ---- verbs ---------------------------------------------------------------------------------
def approve(record, actor, *, valid_from: date | None = None, valid_until: date | None = None):
    with machine_for(record).transition(record, "approve", actor):
        proposed_from, proposed_until = proposed_window(record)
        valid_from, valid_until = valid_from or proposed_from, valid_until or proposed_until
        if isinstance(record, WorkerPass):
            _check_renovation_open(record)
        if isinstance(record, ReleasePass) and awaiting_owner(record):
            raise ServiceError(_l("A tenant's release waits for the owner's confirmation."))
        check_window(record, valid_from, valid_until)
        if isinstance(record, VehiclePass):
            _check_plate_free(record, valid_from)
        record.valid_from, record.valid_until = valid_from, valid_until
        record.approved_at = clock.now()
        record.approved_by_id = actor.id
        record.status_reason = None
    _decided(record, actor, "approve")


def _check_plate_free(vehicle: VehiclePass, valid_from: date) -> None:
    """One plate, one valid pass per estate: the gate must not have to choose."""
    other = (
        db.session.query(VehiclePass.number)
        .filter(
            VehiclePass.estate_id == vehicle.estate_id,
            VehiclePass.plate == vehicle.plate,
            VehiclePass.id != vehicle.id,
            VehiclePass.status == P.approved,
            VehiclePass.valid_until >= valid_from,
        )
        .first()
    )
    if other is not None:
        raise ServiceError(
            _l("%(plate)s already has a valid pass: %(number)s."),
            plate=vehicle.plate,
            number=other.number,
        )


def reject(record, actor, *, reason: str) -> None:
    _require(reason, _l("Say why the application is rejected."))
    with machine_for(record).transition(record, "reject", actor):
        record.status_reason = reason.strip()
    _decided(record, actor, "reject")


def revoke(record, actor, *, reason: str) -> None:
    _require(reason, _l("Say why the pass is revoked."))
    with machine_for(record).transition(record, "revoke", actor):
        record.status_reason = reason.strip()


def renew(record, actor, *, valid_until: date) -> None:
    """Extend the validity (a vehicle's monthly card, a worker's pass up to the permit)."""
    with machine_for(record).transition(record, "renew", actor):
        today = clock.today()
        if valid_until is None or (record.valid_until and valid_until <= record.valid_until):
            raise ServiceError(
                _l("A renewal extends the validity: choose a day after %(date)s."),
                date=record.valid_until.isoformat() if record.valid_until else "—",
            )
        lapsed = record.valid_until is None or record.valid_until < today
        valid_from = today if lapsed else record.valid_from
        if isinstance(record, WorkerPass):
            _check_renovation_open(record)
        check_window(record, valid_from, valid_until)
        record.valid_from, record.valid_until = valid_from, valid_until
        record.status_reason = None


def cancel(record, actor, *, reason: str = "") -> None:
    """The applicant no longer needs the pass (an application or a pass not used yet): it
    stops passing at the gate at once; the history names who cancelled it."""
    with machine_for(record).transition(record, "cancel", actor):
        record.status_reason = (reason or "").strip()[:500] or None


def reissue(record, actor) -> None:
    """A lost or copied card: a new code; every copy printed before no longer passes."""
    with machine_for(record).transition(record, "reissue", actor):
        record.token_nonce = secrets.token_hex(8)
        record.reissued_at = clock.now()


def confirm_owner(release: ReleasePass, actor, *, owner: Resident | None) -> None:
    with RELEASE_PASS.transition(release, "confirm_owner", actor):
        if (
            owner is None
            or owner.unit_id != release.unit_id
            or owner.role is not ResidentRole.owner
        ):
            raise ServiceError(
                _l("Choose an owner registered for this unit (register the owner first).")
            )
        release.owner_confirmed_at = clock.now()
        release.owner_confirmed_by = owner.name
    announce_application(release)


def release(record: ReleasePass, actor) -> None:
    """The guard lets the items out; only a pass valid today at this gate."""
    with RELEASE_PASS.transition(record, "release", actor):
        result = verdict(record, clock.today())
        if result is not GateResult.valid:
            raise ServiceError(
                _l("%(number)s cannot be let out: %(reason)s."),
                number=record.number,
                reason=str(result),
            )
        record.released_at = clock.now()
        record.released_by_id = actor.id


def _require(text: str | None, message) -> None:
    if not (text or "").strip():
        raise ServiceError(message)


# ---- what the gate makes of a pass -----------------------------------------------------------
BY_STATUS = {
    P.applied: GateResult.not_approved,
    P.rejected: GateResult.rejected,
    P.revoked: GateResult.revoked,
    P.suspended: GateResult.suspended,
    P.expired: GateResult.expired,
    P.released: GateResult.used,
    P.cancelled: GateResult.revoked,
}


def verdict(record, today: date) -> GateResult:
    """Whether the pass lets its holder through today (the estate is the caller's check).
    Dates are checked here, not only by the nightly expiry, so a lapsed pass never passes."""
    if record.status in BY_STATUS:
        return BY_STATUS[record.status]
    # A car parks for the household it was registered to: gone with its resident, whether or
    # not anyone has revoked the pass yet (a receptionist's move-out only asks a supervisor to).
    if isinstance(record, VehiclePass) and record.resident and record.resident.has_moved_out(today):
        return GateResult.moved_out
    if record.valid_from is None or record.valid_until is None:
        return GateResult.not_approved
    if today < record.valid_from:
        return GateResult.not_yet_valid
    if today > record.valid_until:
        return GateResult.expired
    if isinstance(record, WorkerPass):
        renovation = record.renovation
        if renovation.status is R.stopped:
            return GateResult.suspended
        if renovation.status in ENDED:
            return GateResult.revoked
        if renovation.permit_valid_until is None or today > renovation.permit_valid_until:
            return GateResult.expired
    if isinstance(record, ReleasePass) and awaiting_owner(record):
        return GateResult.not_approved
    return GateResult.valid


# ---- system and cascade verbs (no role of their own: the caller's step was checked) ---------
def expire_lapsed(today: date | None = None) -> int:
    """Approved passes whose last day has passed become "expired" (the nightly job)."""
    today = today or clock.today()
    count = 0
    with history.action("expire"):
        for model in (WorkerPass, VehiclePass, ReleasePass):
            lapsed = (
                db.session.query(model)
                .filter(model.status == P.approved, model.valid_until < today)
                .all()
            )
            for record in lapsed:
                record.status = P.expired
            count += len(lapsed)
        db.session.flush()
    return count


def _cascade(renovation, name: str, sources, target: PassStatus, reason) -> int:
    db.session.flush()  # the renovation's own changes belong to its step, not to the cascade
    affected = (
        db.session.query(WorkerPass)
        .filter(WorkerPass.renovation_id == renovation.id, WorkerPass.status.in_(list(sources)))
        .all()
    )
    with history.action(name):
        for worker in affected:
            worker.status = target
            worker.status_reason = str(reason) if reason else None
        db.session.flush()
    return len(affected)


def suspend_workers(renovation, reason: str) -> int:
    return _cascade(renovation, "suspend", {P.approved}, P.suspended, reason)


def reinstate_workers(renovation) -> int:
    return _cascade(renovation, "reinstate", {P.suspended}, P.approved, None)


def end_workers(renovation, reason) -> int:
    """The renovation is over: its passes are revoked, pending applications rejected."""
    revoked = _cascade(renovation, "revoke", {P.approved, P.suspended}, P.revoked, reason)
    return revoked + _cascade(renovation, "reject", {P.applied}, P.rejected, reason)


def remind(record, actor) -> None:
    """An application waiting too long: the estate's supervisors are reminded to decide."""
    with machine_for(record).transition(record, "remind", actor):
        manual.remind_now(record, actor, recipient_id=None, role=approver_role(record))


# ---- the estate's setting ------------------------------------------------------------------
def set_release_approver(estate, actor, approver) -> None:
    """Who approves the estate's large-item release slips from now on (supervisors, as the
    product always did, or the front desk, as the seed's job description says)."""
    if estate is None or not estate_allowed(actor, estate.id):
        raise NotFound(_l("The record was not found."))
    if not may(actor, "estate.change_settings"):
        raise Forbidden(_l("Only a supervisor or an administrator may change the settings."))
    try:
        approver = ReleaseApprover(approver)
    except ValueError:
        raise ServiceError(_l("Choose who approves release slips.")) from None
    with history.action("change_settings", actor=actor):
        estate.release_approver = approver
        db.session.flush()
