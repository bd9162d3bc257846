"""The complaint procedure (投诉处理): classify, handle, report back, revisit.

Deadlines follow the classification [DOMAIN: Complaint], counted from receipt, or from the event
for a ticket recorded after the fact (operations.deadline_start):
  invalid (a misunderstanding, no evidence, a government matter): explained within 1 day;
  valid: cause and handling record within 3 days;
  serious: a result within 48 hours, owned by the director.
Ordinary complaints go to a supervisor, serious ones to the director, whom the classification
tells at once (services/handoffs.py); only the owner's level (director for serious) may write
their handling and report. A complaint repeated within a short time counts as serious
[DOMAIN: Complaint; seed 003]: `repeats_of` finds the earlier ones.

The revisit ends a round [001 五 三]: satisfied (or basically) closes the complaint; unsatisfied
reopens it for a new round with its own deadline, owned one level up (receptionist →
supervisor → director), until the resident is satisfied or the director closes it with a
written reason. Neither closes it while a corrective action is unverified (corrective.py).
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_
from sqlalchemy.orm import joinedload, lazyload, selectinload

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    ComplaintCode,
    ComplaintRound,
    CorrectiveAction,
    Department,
    Role,
    Severity,
    Staff,
    Ticket,
    TicketCategory,
    TicketStatus,
    Validity,
)
from admin_app.models.work_order import Satisfaction
from admin_app.services import eager, handoffs
from admin_app.services.errors import ServiceError
from admin_app.tickets import departments
from admin_app.tickets.corrective import unverified

# DEADLINES and deadline_for stay importable from here, where they were.
from admin_app.tickets.deadlines import DEADLINES, deadline_for, deadline_start  # noqa: F401
from admin_app.tickets.operations import TICKET

# A complaint of the same category from the same household within this time is a repeat.
REPEAT_WINDOW = timedelta(days=30)


def _same_household(ticket: Ticket):
    """The household is the unit (with the complaints its resident made without naming the
    unit), or the resident when no unit was recorded; a complaint with neither has none."""
    if ticket.unit_id is not None:
        if ticket.resident_id is None:
            return Ticket.unit_id == ticket.unit_id
        return or_(
            Ticket.unit_id == ticket.unit_id,
            and_(Ticket.unit_id.is_(None), Ticket.resident_id == ticket.resident_id),
        )
    if ticket.resident_id is not None:
        return Ticket.resident_id == ticket.resident_id
    return None


def earlier_complaints(ticket: Ticket, *, same_category: bool = True) -> list[Ticket]:
    """The household's complaints received in the REPEAT_WINDOW before this one, newest first
    (cancelled ones aside: logged by mistake, they are no complaint); of the same complaint
    category when `same_category`.

    Computed, not stored: whether a complaint repeats an earlier one changes when that one is
    cancelled or its category corrected at classification, and a stored flag would go stale.
    One query on the ticket's unit and resident indexes."""
    household = _same_household(ticket)
    if household is None or ticket.received_at is None:
        return []
    if same_category and ticket.complaint_code is None:
        return []
    received = ticket.received_at
    if ticket.id is None:  # not saved yet: everything received up to now is earlier
        earlier = Ticket.received_at <= received
    else:  # received in the same second: the one saved first
        earlier = or_(
            Ticket.received_at < received,
            and_(Ticket.received_at == received, Ticket.id < ticket.id),
        )
    query = db.session.query(Ticket).filter(
        household,
        earlier,
        Ticket.received_at >= received - REPEAT_WINDOW,
        Ticket.estate_id == ticket.estate_id,
        Ticket.category == TicketCategory.complaint,
        Ticket.status != TicketStatus.cancelled,
    )
    if same_category:
        query = query.filter(Ticket.complaint_code == ticket.complaint_code)
    return query.order_by(Ticket.received_at.desc(), Ticket.id.desc()).all()


def repeats_of(ticket: Ticket) -> list[Ticket]:
    """The earlier complaints that make this one a repeat (empty: it is none)."""
    if ticket.category is not TicketCategory.complaint:
        return []
    return earlier_complaints(ticket)


def recent_from_household(ticket: Ticket) -> tuple[list[Ticket], list[Ticket]]:
    """For the supervisor classifying it: the household's earlier complaints in the window,
    as (the repeats — same category —, the others), in one query."""
    if ticket.category is not TicketCategory.complaint:
        return [], []
    earlier = earlier_complaints(ticket, same_category=False)
    code = ticket.complaint_code
    repeats = [t for t in earlier if code is not None and t.complaint_code is code]
    return repeats, [t for t in earlier if t not in repeats]


def load_records(ticket: Ticket) -> None:
    """A complaint's rounds and corrective actions, with the people and departments they name,
    in two queries (its page shows them all): not one query per person."""
    people = ("owner", "revisited_by", "department", "done_by", "verified_by")

    def named(model):
        return [
            joinedload(getattr(model, name)).lazyload("*")
            for name in people
            if hasattr(model, name)
        ]

    eager.load_into(
        ticket,
        selectinload(Ticket.rounds).options(lazyload("*"), *named(ComplaintRound)),
        selectinload(Ticket.actions).options(lazyload("*"), *named(CorrectiveAction)),
    )


def classify(
    ticket: Ticket,
    actor,
    *,
    severity: Severity,
    validity: Validity,
    complaint_code: ComplaintCode | None = None,
) -> None:
    severity, validity = Severity(severity), Validity(validity)
    if validity is Validity.pending:
        raise ServiceError(_l("Judge the complaint valid or invalid."))
    if severity is Severity.serious and validity is Validity.invalid:
        raise ServiceError(_l("A serious complaint cannot be invalid."))
    with TICKET.transition(ticket, "classify", actor):
        ticket.severity = severity
        ticket.validity = validity
        if complaint_code is not None:
            ticket.complaint_code = ComplaintCode(complaint_code)
        ticket.complaint_due_at = deadline_for(deadline_start(ticket), severity, validity)
        owner = _owner_for(ticket.estate_id, severity)
        ticket.owner_id = owner.id if owner else None
        ticket.assignee_id = ticket.owner_id or ticket.assignee_id
    if severity is Severity.serious:
        handoffs.serious(ticket)


def _owner_for(estate_id: int, severity: Severity) -> Staff | None:
    role = Role.director if severity is Severity.serious else Role.supervisor
    return _owner_with_role(estate_id, role)


def _owner_with_role(estate_id: int, role: Role) -> Staff | None:
    candidates = (
        db.session.query(Staff)
        .filter(Staff.role == role, Staff.active.is_(True))
        .order_by(Staff.id)
        .all()
    )
    local = [s for s in candidates if estate_id in s.estate_ids]
    return (local or [s for s in candidates if s.all_estates] or [None])[0]


# Who owns the next round: one level up from this round's owner.
LEVEL_UP = {
    Role.receptionist: Role.supervisor,
    Role.supervisor: Role.director,
    Role.director: Role.director,
    Role.admin: Role.director,
}
RANK = {Role.receptionist: 1, Role.supervisor: 2, Role.director: 3, Role.admin: 4}


def _owner_role(ticket: Ticket) -> Role:
    owner = db.session.get(Staff, ticket.owner_id) if ticket.owner_id else None
    if owner is not None:
        return owner.role
    return Role.director if ticket.severity is Severity.serious else Role.supervisor


def _check_owner_level(ticket: Ticket, actor) -> None:
    """Serious complaints are the director's (or an administrator's); a reopened one is its
    round owner's level's, or higher."""
    if ticket.severity is Severity.serious and actor.role not in (Role.director, Role.admin):
        raise ServiceError(_l("Serious complaints are handled by the director."))
    if (ticket.complaint_round or 1) > 1:
        level = _owner_role(ticket)
        if RANK.get(actor.role, 0) < RANK.get(level, 0):
            raise ServiceError(
                _l("This round of the complaint is handled by: %(role)s."), role=str(level)
            )


def record_handling(
    ticket: Ticket,
    actor,
    *,
    cause: str,
    responsible_department: str = "",
    responsible_person: str = "",
    corrective_action: str = "",
    department: Department | None = None,
) -> None:
    """Valid: cause, responsibility and corrective action. Invalid: the explanation given.
    A department picked is the one responsible: its head hears of it, its queue shows it."""
    _check_owner_level(ticket, actor)
    cause = (cause or "").strip()
    if not cause:
        raise ServiceError(
            _l("Write down the cause (or, for an invalid complaint, the explanation given).")
        )
    if ticket.validity is Validity.valid and not (corrective_action or "").strip():
        raise ServiceError(_l("A valid complaint needs a corrective action."))
    with TICKET.transition(ticket, "record_handling", actor):
        ticket.cause = cause
        ticket.responsible_department = (responsible_department or "").strip() or None
        ticket.responsible_person = (responsible_person or "").strip() or None
        ticket.corrective_action = (corrective_action or "").strip() or None
        ticket.handled_at = clock.now()
        if department is not None:
            departments.in_estate(ticket.estate_id, department)
            ticket.department_id = department.id
            ticket.responsible_department = department.name
    handoffs.to_department(ticket, department)


def report_back(ticket: Ticket, actor, *, result: str) -> None:
    """The department reports the outcome; it is the ticket's result."""
    _check_owner_level(ticket, actor)
    with TICKET.transition(ticket, "report_back", actor):
        if ticket.handled_at is None:
            raise ServiceError(_l("Record the handling before reporting back."))
        if not (result or "").strip():
            raise ServiceError(_l("Write down the result."))
        now = clock.now()
        ticket.result = result.strip()
        ticket.reported_back_at = now
        ticket.resolved_at = now


def revisit(ticket: Ticket, actor, *, outcome: Satisfaction, words: str) -> None:
    """The service centre calls the complainant back: the outcome and the resident's words end
    this round. Satisfied (or basically) closes the complaint, unsatisfied reopens it."""
    outcome = Satisfaction(outcome)
    words = (words or "").strip()
    if not words:
        raise ServiceError(_l("Write down what the complainant said."))
    if outcome is Satisfaction.unsatisfied:
        _reopen(ticket, actor, words)
        return
    with TICKET.transition(ticket, "revisit_complaint", actor):
        _refuse_unverified(ticket)
        _end_round(ticket, actor, outcome, words)
        ticket.resident_informed_at = ticket.resident_informed_at or ticket.revisited_at
        ticket.closed_at = ticket.revisited_at


def _reopen(ticket: Ticket, actor, words: str) -> None:
    """A new round with its own deadline, owned one level up; its owner hears of it."""
    with TICKET.transition(ticket, "reopen_complaint", actor):
        level = LEVEL_UP.get(_owner_role(ticket), Role.director)
        _end_round(ticket, actor, Satisfaction.unsatisfied, words)
        now = ticket.revisited_at
        owner = _owner_with_role(ticket.estate_id, level)
        ticket.complaint_round = (ticket.complaint_round or 1) + 1
        ticket.owner_id = owner.id if owner else None
        ticket.assignee_id = ticket.owner_id or ticket.assignee_id
        ticket.complaint_due_at = deadline_for(now, ticket.severity, ticket.validity)
        # The new round is handled and reported afresh: its deadline reminders start again.
        ticket.handled_at = ticket.reported_back_at = ticket.resolved_at = None
    handoffs.reopened(ticket)


def _end_round(ticket: Ticket, actor, outcome: Satisfaction, words: str) -> None:
    now = clock.now()
    db.session.add(
        ComplaintRound(
            estate_id=ticket.estate_id,
            ticket_id=ticket.id,
            number=ticket.complaint_round or 1,
            owner_id=ticket.owner_id,
            due_at=ticket.complaint_due_at,
            outcome=outcome,
            resident_words=words,
            revisited_at=now,
            revisited_by_id=actor.id,
        )
    )
    ticket.revisit_note = words
    ticket.revisited_at = now
    ticket.revisited_by_id = actor.id


def close_unsatisfied(ticket: Ticket, actor, *, reason: str) -> None:
    """The director ends a reopened complaint the resident is still unsatisfied with."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Write down why the complaint is closed."))
    with TICKET.transition(ticket, "close_complaint", actor):
        _refuse_unverified(ticket)
        now = clock.now()
        ticket.closing_reason = reason
        ticket.result = ticket.result or reason
        ticket.closed_at = now


def _refuse_unverified(ticket: Ticket) -> None:
    waiting = unverified(ticket)
    if waiting:
        raise ServiceError(
            _l(
                "Corrective action %(numbers)s is not yet verified by the service centre: "
                "verify it before closing the complaint."
            ),
            numbers=", ".join(a.number for a in waiting),
        )
