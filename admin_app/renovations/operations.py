"""Renovations (装修): application → review → rectification notice or permit (with the signed
management agreement) → work → patrols → a violation stops the work until corrected →
completion inspection → accepted (deposit refundable) or failed (rectify, inspect again).

Every step goes through `_step`, which runs the state machine, then brings the unit's
renovation state up to date in the same transaction. Stopping suspends the renovation's worker
passes, lifting the stop reinstates them, and the end (accepted or cancelled) revokes them.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    DepositStatus,
    InspectionKind,
    InspectionResult,
    Renovation,
    RenovationInspection,
    RenovationStatus,
    Role,
    Unit,
)
from admin_app.passes import operations as passes
from admin_app.services import handoffs, history, household, numbering, storage
from admin_app.services.errors import ServiceError
from admin_app.services.reminders import manual
from admin_app.services.workflow import StateMachine, step

R = RenovationStatus
OPEN = frozenset(
    {R.applied, R.rectification, R.permitted, R.in_progress, R.stopped, R.inspection, R.failed}
)
PATROL_INTERVAL = timedelta(days=3)


def _refundable(renovation) -> bool:
    return renovation.deposit_status is DepositStatus.refundable


# The applicant withdraws from their own pages (portal/passes.py) only before the work starts;
# stopping work under way is the office's decision.
RESIDENT_MAY_CANCEL = frozenset({R.applied, R.rectification, R.permitted})


def _resident_cancel(renovation, actor):
    if getattr(actor, "is_resident", False) and renovation.status not in RESIDENT_MAY_CANCEL:
        return _l("The work has started: please call the management office to cancel it.")
    return None


RENOVATION = StateMachine(
    "renovation",
    [
        step(
            "request_rectification",
            _l("Send a rectification notice"),
            {R.applied},
            R.rectification,
        ),
        step("resubmit", _l("Resubmit the corrected application"), {R.rectification}, R.applied),
        step("issue_permit", _l("Issue the permit"), {R.applied}, R.permitted),
        step("start_work", _l("Work starts"), {R.permitted}, R.in_progress),
        step("patrol", _l("Patrol: no problem found"), {R.in_progress}, None),
        step("stop_work", _l("Patrol: violation, stop the work"), {R.in_progress}, R.stopped),
        step("lift_stop", _l("Violation corrected: work resumes"), {R.stopped}, R.in_progress),
        step(
            "request_completion",
            _l("Request the completion inspection"),
            {R.in_progress, R.failed},
            R.inspection,
        ),
        step("accept", _l("Completion inspection passed"), {R.inspection}, R.accepted),
        step("fail", _l("Completion inspection failed"), {R.inspection}, R.failed),
        step("cancel", _l("Cancel the renovation"), OPEN, R.cancelled, who=_resident_cancel),
        step("remind", _l("Send a reminder now"), OPEN, None),
        step(
            "refund_deposit",
            _l("Deposit refunded"),
            {R.accepted, R.cancelled},
            None,
            applies=_refundable,
        ),
    ],
)


@contextlib.contextmanager
def _step(renovation: Renovation, name: str, actor):
    with RENOVATION.transition(renovation, name, actor) as transition:
        yield transition
    with history.action(name, actor=actor):
        refresh_unit_state(renovation.unit_id)
        db.session.flush()


def refresh_unit_state(unit_id: int) -> None:
    """The unit shows its latest renovation that was not cancelled (or none)."""
    latest = (
        db.session.query(Renovation.status)
        .filter(Renovation.unit_id == unit_id, Renovation.status != R.cancelled)
        .order_by(Renovation.id.desc())
        .limit(1)
        .scalar()
    )
    unit = db.session.get(Unit, unit_id)
    if unit is not None and unit.renovation_status != latest:
        unit.renovation_status = latest


# ---- the application -----------------------------------------------------------------------
def check_application(renovation: Renovation) -> None:
    start, end = renovation.planned_start, renovation.planned_end
    if start and end and end < start:
        raise ServiceError(_l("The planned end is before the planned start."))
    if renovation.deposit is not None and renovation.deposit < 0:
        raise ServiceError(_l("The deposit cannot be negative."))
    household.check_lives_in(renovation.owner, renovation.unit)


def register_application(renovation: Renovation) -> None:
    """A new application (from the form, an import or the demo): the unit shows it at once."""
    check_application(renovation)
    renovation.status = R.applied
    db.session.flush()
    refresh_unit_state(renovation.unit_id)
    db.session.flush()
    handoffs.applied(renovation, Role.supervisor)


# ---- review --------------------------------------------------------------------------------
def request_rectification(renovation: Renovation, actor, *, notes: str) -> None:
    """Unqualified: a rectification notice back to the applicant."""
    _require(notes, _l("Write down what the applicant must correct."))
    with _step(renovation, "request_rectification", actor):
        renovation.review_notes = _append(renovation.review_notes, notes)
    handoffs.decided(renovation, actor, "request_rectification")


def resubmit(renovation: Renovation, actor, *, note: str = "") -> None:
    with _step(renovation, "resubmit", actor):
        if (note or "").strip():
            renovation.review_notes = _append(renovation.review_notes, note)
    handoffs.applied(renovation, Role.supervisor)


def issue_permit(
    renovation: Renovation,
    actor,
    *,
    valid_until: date | None,
    agreement_signed: bool,
    deposit_received: bool,
) -> None:
    """Qualified: the permit is issued once the management agreement is signed (and the
    deposit, if any, collected)."""
    with _step(renovation, "issue_permit", actor):
        valid_until = valid_until or renovation.planned_end
        if not agreement_signed:
            raise ServiceError(_l("The management agreement must be signed first."))
        deposit = renovation.deposit or Decimal("0")
        if deposit > 0 and not deposit_received:
            raise ServiceError(
                _l("Collect the deposit of %(amount)s before issuing the permit."),
                amount=f"{deposit:.2f}",
            )
        if valid_until < clock.today() or valid_until < renovation.planned_start:
            raise ServiceError(_l("The permit must run until the planned start or later."))
        now = clock.now()
        renovation.permit_number = numbering.number_for(
            db.session(), renovation.estate_id, "renovation_permit"
        )
        renovation.permit_issued_at = now
        renovation.agreement_signed_at = now
        renovation.permit_valid_until = valid_until
        renovation.deposit_status = DepositStatus.held if deposit > 0 else DepositStatus.none
    handoffs.decided(renovation, actor, "issue_permit")


def start_work(renovation: Renovation, actor) -> None:
    with _step(renovation, "start_work", actor):
        now = clock.now()
        renovation.started_at = now
        renovation.next_patrol_due_at = now + PATROL_INTERVAL


# ---- patrols and stop orders ---------------------------------------------------------------
def patrol(renovation, actor, *, notes: str = "", photo: bytes | None = None, at=None):
    with _step(renovation, "patrol", actor):
        inspection = _inspection(
            renovation, actor, InspectionKind.patrol, InspectionResult.ok, notes, photo, at
        )
        renovation.next_patrol_due_at = clock.now() + PATROL_INTERVAL
    return inspection


def stop_work(renovation, actor, *, notes: str, photo: bytes | None = None, at=None):
    """A violation orders the work to stop until corrected; its worker passes are suspended."""
    _require(notes, _l("Describe the violation."))
    with _step(renovation, "stop_work", actor):
        inspection = _inspection(
            renovation, actor, InspectionKind.patrol, InspectionResult.violation, notes, photo, at
        )
        renovation.stopped_at = inspection.inspected_at
        renovation.stop_reason = notes.strip()
        passes.suspend_workers(renovation, notes.strip())
    return inspection


def lift_stop(renovation, actor, *, notes: str, photo: bytes | None = None, at=None):
    """The correction is verified on site: work and worker passes resume."""
    _require(notes, _l("Write down how the violation was corrected."))
    with _step(renovation, "lift_stop", actor):
        inspection = _inspection(
            renovation, actor, InspectionKind.patrol, InspectionResult.ok, notes, photo, at
        )
        renovation.next_patrol_due_at = clock.now() + PATROL_INTERVAL
        passes.reinstate_workers(renovation)
    return inspection


# ---- completion ----------------------------------------------------------------------------
def request_completion(renovation: Renovation, actor) -> None:
    with _step(renovation, "request_completion", actor):
        renovation.completion_requested_at = clock.now()
        renovation.next_patrol_due_at = None


def accept(renovation, actor, *, notes: str = "", photo: bytes | None = None, at=None):
    """Completion inspection passed: the deposit becomes refundable, worker passes end."""
    with _step(renovation, "accept", actor):
        inspection = _inspection(
            renovation, actor, InspectionKind.completion, InspectionResult.passed, notes, photo, at
        )
        renovation.accepted_at = inspection.inspected_at
        if renovation.deposit_status is DepositStatus.held:
            renovation.deposit_status = DepositStatus.refundable
        passes.end_workers(renovation, _l("The renovation was accepted."))
    return inspection


def fail(renovation, actor, *, notes: str, photo: bytes | None = None, at=None):
    """Completion inspection failed: rectify, then request the inspection again."""
    _require(notes, _l("Write down what must be rectified."))
    with _step(renovation, "fail", actor):
        inspection = _inspection(
            renovation, actor, InspectionKind.completion, InspectionResult.failed, notes, photo, at
        )
    return inspection


def cancel(renovation: Renovation, actor, *, reason: str) -> None:
    _require(reason, _l("Say why the renovation is cancelled."))
    with _step(renovation, "cancel", actor):
        renovation.cancelled_reason = reason.strip()
        renovation.next_patrol_due_at = None
        if renovation.deposit_status is DepositStatus.held:
            renovation.deposit_status = DepositStatus.refundable
        passes.end_workers(renovation, _l("The renovation was cancelled."))


def refund_deposit(renovation: Renovation, actor) -> None:
    with _step(renovation, "refund_deposit", actor):
        renovation.deposit_status = DepositStatus.refunded


INSPECTION_STEPS = {
    (InspectionKind.patrol, InspectionResult.ok): patrol,
    (InspectionKind.patrol, InspectionResult.violation): stop_work,
    (InspectionKind.completion, InspectionResult.passed): accept,
    (InspectionKind.completion, InspectionResult.failed): fail,
}


def record_inspection(renovation, actor, *, kind, result, notes="", photo=None, at=None):
    """An inspection entered on the inspections page takes the same step as the buttons."""
    if renovation is None:
        raise ServiceError(_l("Choose the renovation."))
    verb = INSPECTION_STEPS.get((InspectionKind(kind), InspectionResult(result)))
    if verb is None:
        raise ServiceError(
            _l(
                "A patrol finds no problem or a violation; "
                "a completion inspection is passed or failed."
            )
        )
    return verb(renovation, actor, notes=notes, photo=photo, at=at)


def _inspection(renovation, actor, kind, result, notes, photo, at) -> RenovationInspection:
    now = clock.now()
    at = at or now
    if at > now + timedelta(minutes=5):
        raise ServiceError(_l("The inspection cannot be in the future."))
    inspection = RenovationInspection(
        estate_id=renovation.estate_id,
        renovation_id=renovation.id,
        kind=kind,
        result=result,
        inspected_at=at,
        inspector_id=actor.id,
        notes=(notes or "").strip() or None,
    )
    if photo:
        inspection.photo_file_id = storage.save_image(
            photo,
            filename=f"inspection-{renovation.number}",
            estate_id=renovation.estate_id,
            created_by_id=actor.id,
        ).id
    db.session.add(inspection)
    return inspection


def _require(text: str | None, message) -> None:
    if not (text or "").strip():
        raise ServiceError(message)


def _append(existing: str | None, text: str) -> str:
    line = f"[{clock.now():%Y-%m-%d %H:%M}] {text.strip()}"
    return f"{existing}\n{line}" if existing else line


def remind(renovation: Renovation, actor) -> None:
    """A supervisor nudges the front desk about a renovation (review, patrol, inspection)."""
    with RENOVATION.transition(renovation, "remind", actor):
        manual.remind_now(renovation, actor, recipient_id=None, role=Role.receptionist)
