"""Work orders (维修服务任务单): dispatch, the technician's visit,
close with the resident's signature, and the next-day revisit.

Every verb goes through WORK_ORDER.transition(), so the admin buttons, list actions, batch
actions, the technician's phone page and jobs all obey the same rules and write the same history.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime, time, timedelta
from decimal import Decimal

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from admin_app import clock
from admin_app.extensions import db
from admin_app.i18n import office_language
from admin_app.models import (
    ComplaintCode,
    Estate,
    NoticeEvent,
    QuoteLine,
    RevisitChannel,
    Role,
    Satisfaction,
    Staff,
    Ticket,
    TicketCategory,
    TicketStatus,
    Trade,
    WorkOrder,
    WorkOrderChase,
    WorkOrderKind,
    WorkOrderStatus,
)
from admin_app.models.work_order import money
from admin_app.payments import operations as payments
from admin_app.prices import operations as prices
from admin_app.resident_notices import outbox as resident_notices
from admin_app.services import calendar, handoffs, history, storage
from admin_app.services.errors import ServiceError
from admin_app.services.reminders import manual
from admin_app.services.workflow import StateMachine, step
from admin_app.tickets.following import close_after_revisit, follow_work_order
from admin_app.work_orders import dispatching

S = WorkOrderStatus
EMERGENCY_ARRIVAL = timedelta(minutes=15)
OPEN_STATES = frozenset({S.new, S.dispatched, S.arrived, S.quoted, S.in_progress, S.next_visit})
PAID_KINDS = frozenset(
    {WorkOrderKind.home_repair_paid, WorkOrderKind.paid_cleaning, WorkOrderKind.home_visit}
)
# The revisit call is due by the end of the next working day; an emergency within 24 hours.
REVISIT_BY = time(18, 0)

WORK_ORDER = StateMachine(
    "work_order",
    [
        step("dispatch", _l("Dispatch"), {S.new, S.dispatched}, S.dispatched),
        step("hand_back", _l("Hand back (cannot take it)"), {S.dispatched}, S.new),
        step("pass_on", _l("Pass on to a colleague"), {S.dispatched}, S.dispatched),
        step("chase", _l("Log a resident's chase"), OPEN_STATES),
        # Not a bare "Cancel" (取消): next to Flask-Admin's "Delete" in the list's actions it
        # read as closing the menu.
        step("cancel", _l("Cancel order"), OPEN_STATES, S.cancelled),
        step("arrive", _l("Mark arrived"), {S.dispatched}, S.arrived),
        # Damage is noted before the service and confirmed by the resident [002 篇2 第十三條]:
        # still while the quote waits for the resident's yes (the quote shows it), never once
        # the work has begun.
        step("record_damage", _l("Record damage found on arrival"), {S.arrived, S.quoted}),
        step("quote", _l("Record quote"), {S.arrived}, S.quoted),
        step("accept_quote", _l("Resident accepts the quote"), {S.quoted}, S.in_progress),
        step("decline_quote", _l("Resident declines the quote"), {S.quoted}, S.declined),
        step("book_next_visit", _l("Book the next visit"), {S.in_progress}, S.next_visit),
        step("resume", _l("Back for the next visit"), {S.next_visit}, S.in_progress),
        step("finish", _l("Mark work done"), {S.in_progress}, S.done),
        step(
            "rework",
            _l("Resident finds it not done: back to work"),
            {S.done},
            S.in_progress,
        ),
        step("close", _l("Close with signature"), {S.done}, S.closed),
        step("revisit", _l("Mark revisited"), {S.closed}, S.revisited),
        step("remind", _l("Send a reminder now"), OPEN_STATES | {S.done, S.closed}),
    ],
)


def open_workload(technician_ids) -> dict[int, int]:
    """How many open orders each technician carries (shown when dispatching)."""
    rows = (
        db.session.query(WorkOrder.technician_id, func.count())
        .filter(
            WorkOrder.technician_id.in_(list(technician_ids)),
            WorkOrder.status.in_([S.dispatched, S.arrived, S.quoted, S.in_progress, S.next_visit]),
        )
        .group_by(WorkOrder.technician_id)
        .all()
    )
    return dict(rows)


def technicians_for(estate_ids, trade=None, *, among=None) -> list[Staff]:
    """The active technicians working in any of these estates (and this trade); `among`:
    only these staff ids are looked at."""
    query = db.session.query(Staff).filter(Staff.role == Role.technician, Staff.active.is_(True))
    if among is not None:
        query = query.filter(Staff.id.in_(list(among)))
    technicians = query.order_by(Staff.name).all()
    return [
        t
        for t in technicians
        if (t.all_estates or t.estate_ids & set(estate_ids))
        and (trade is None or trade in t.trades)
    ]


# An appointment a few minutes past still stands: the dispatch was being typed as it began.
APPOINTMENT_GRACE = timedelta(minutes=5)


def upcoming_appointment(order: WorkOrder, now: datetime) -> datetime | None:
    """The time agreed with the resident, while it is still ahead."""
    agreed = order.appointment_at
    return agreed if agreed is not None and agreed >= now - APPOINTMENT_GRACE else None


def dispatch(order: WorkOrder, actor, *, technician: Staff, appointment_at: datetime | None = None):
    """To a technician, who is told (services/handoffs.py). Without an appointment given, the
    one agreed before stands while it is still ahead."""
    was = (order.technician_id, order.appointment_at)
    with WORK_ORDER.transition(order, "dispatch", actor):
        _check_technician(order, technician)
        now = clock.now()
        if order.is_emergency:
            order.arrive_by = now + EMERGENCY_ARRIVAL
            order.appointment_at = None
        else:
            appointment_at = appointment_at or upcoming_appointment(order, now)
            if appointment_at is None:
                raise ServiceError(_l("Agree an appointment time with the resident."))
            if appointment_at < now - APPOINTMENT_GRACE:
                raise ServiceError(_l("The appointment time has already passed."))
            order.appointment_at = appointment_at
            order.arrive_by = None
        order.technician_id = technician.id
        order.dispatched_at = now
        order.dispatched_by_id = actor.id
        dispatching.took_turn(order, technician)
    handoffs.dispatched(order, was)
    resident_notices.work_order_event(order, NoticeEvent.dispatched)


@dataclass(frozen=True)
class AutoDispatcher:
    """The actor of an estate's automatic dispatch: may dispatch in that estate only, and
    leaves the history's actor to whoever created the order (history.action's outer one)."""

    estate_id: int
    id: None = None
    name: str = dataclass_field(default="", compare=False)
    role: Role = Role.receptionist
    all_estates: bool = False
    is_authenticated: bool = True
    is_active: bool = True

    @property
    def estate_ids(self) -> set[int]:
        return {self.estate_id}


def auto_dispatch(order: WorkOrder) -> Staff | None:
    """A new order of a trade its estate dispatches automatically goes at once to the
    first-ranked technician, through `dispatch` (who is told as usual). An order that is not
    an emergency needs its agreed appointment; without one, or with nobody to take it, it
    stays on the desk's list. Returns the technician, or None when nothing was done."""
    estate = order.estate or db.session.get(Estate, order.estate_id)
    if order.status is not S.new or order.technician_id is not None or estate is None:
        return None
    if order.trade is None or Trade(order.trade).value not in estate.auto_dispatch:
        return None
    if not order.is_emergency and order.appointment_at is None:
        return None
    candidates = dispatching.ranking(order)
    if not candidates:
        return None
    best = candidates[0].technician
    try:
        with db.session.begin_nested():
            dispatch(
                order,
                AutoDispatcher(order.estate_id),
                technician=best,
                appointment_at=order.appointment_at,
            )
    except ServiceError:
        return None  # e.g. the appointment already passed: the desk dispatches it
    return best


def hand_back(order: WorkOrder, actor, *, reason: str) -> None:
    """The technician cannot take the order (away, wrong trade, no parts): it goes back to the
    front desk's "to dispatch" list, with the reason in the order's notes and its history."""
    if not (reason or "").strip():
        raise ServiceError(_l("Say why the order is handed back."))
    with WORK_ORDER.transition(order, "hand_back", actor):
        with office_language():
            note = gettext("Handed back: %(reason)s", reason=reason.strip())
        order.work_notes = _append(order.work_notes, note)
        order.technician_id = None
        order.dispatched_at = order.dispatched_by_id = None
        order.arrive_by = order.appointment_at = None
    handoffs.handed_back(order)


def pass_on(order: WorkOrder, actor, *, colleague: Staff | None, reason: str) -> None:
    """The technician passes his order to a colleague of the same estate and trade (away,
    better placed, the right skill), with the reason on the order: the colleague is told as
    on a dispatch, the estate's supervisors hear of the hand-over. The appointment or the
    emergency's arrival time stays as agreed with the resident."""
    if not (reason or "").strip():
        raise ServiceError(_l("Say why the order is passed on."))
    was = (order.technician_id, order.appointment_at)
    with WORK_ORDER.transition(order, "pass_on", actor):
        if order.technician_id != actor.id:
            raise ServiceError(_l("Only the technician the order is dispatched to passes it on."))
        if colleague is None or colleague.id == actor.id:
            raise ServiceError(_l("Choose a colleague to pass the order to."))
        _check_technician(order, colleague)
        with office_language():
            note = gettext(
                "Passed on to %(name)s: %(reason)s", name=colleague.name, reason=reason.strip()
            )
        order.work_notes = _append(order.work_notes, note)
        order.technician_id = colleague.id
        order.dispatched_at = clock.now()
    handoffs.dispatched(order, was)
    handoffs.passed_on(order)
    resident_notices.work_order_event(order, NoticeEvent.dispatched)


def log_chase(
    order: WorkOrder,
    actor,
    *,
    caller: str = "",
    note: str = "",
    called_at: datetime | None = None,
) -> WorkOrderChase:
    """A resident chases the order (催单): who called, when and what they said, kept on the
    order, shown on the technician's card and counted in the monthly statistics; the
    technician is told at once (services/handoffs.py)."""
    caller = (
        (caller or "").strip()
        or order.contact_name
        or (order.resident.name if order.resident else "")
    )
    if not caller:
        raise ServiceError(_l("Say who called."))
    if called_at is not None and called_at > clock.now() + timedelta(minutes=5):
        raise ServiceError(_l("The call cannot be in the future."))
    with WORK_ORDER.transition(order, "chase", actor):
        chase = WorkOrderChase(
            estate_id=order.estate_id,
            work_order_id=order.id,
            caller=caller[:50],
            called_at=called_at or clock.now(),
            note=(note or "").strip()[:2000] or None,
            technician_id=order.technician_id,
            logged_by_id=actor.id,
        )
        db.session.add(chase)
    db.session.flush()
    handoffs.chased(order, chase)
    return chase


def _check_technician(order: WorkOrder, technician: Staff | None) -> None:
    if technician is None or technician.role is not Role.technician:
        raise ServiceError(_l("Work orders go to technicians only."))
    if not technician.is_active:
        raise ServiceError(_l("%(name)s's account is disabled."), name=technician.name)
    if not (technician.all_estates or order.estate_id in technician.estate_ids):
        raise ServiceError(_l("%(name)s does not work in this estate."), name=technician.name)
    if order.trade not in technician.trades:
        raise ServiceError(
            _l("%(name)s does not do %(trade)s work."),
            name=technician.name,
            trade=str(order.trade.label),
        )


def cancel(order: WorkOrder, actor, *, reason: str) -> None:
    if not (reason or "").strip():
        raise ServiceError(_l("Say why the order is cancelled."))
    with WORK_ORDER.transition(order, "cancel", actor):
        order.cancelled_reason = reason.strip()
    follow_work_order(order, actor)


def arrive(order: WorkOrder, actor) -> None:
    with WORK_ORDER.transition(order, "arrive", actor):
        order.arrived_at = clock.now()
    resident_notices.work_order_event(order, NoticeEvent.arrived)


# The most a column holds (NUMERIC(10, 2)): a quote beyond it is refused, not cut.
MAX_AMOUNT = Decimal("99999999.99")


@dataclass(frozen=True)
class LineInput:
    """One line as the technician gives it: an item of the price list (its prices used where
    none are typed) or a typed one, which needs a reason."""

    quantity: Decimal | None
    item_id: int | None = None
    labour: Decimal | None = None  # per unit
    materials: Decimal | None = None  # per unit
    description: str = ""
    reason: str = ""


def quote(order: WorkOrder, actor, *, lines) -> None:
    """The quote, line by line, from the estate's price list in force today; the order's
    labour and materials become the lines' sums."""
    if not lines:
        raise ServiceError(_l("Add at least one line to the quote."))
    items = {item.id: item for item in prices.in_force(order.estate_id, clock.today())}
    built = [_quote_line(order, items, n, line) for n, line in enumerate(lines, start=1)]
    labour = sum((line.labour for line in built), Decimal("0.00"))
    materials = sum((line.materials for line in built), Decimal("0.00"))
    if labour + materials > MAX_AMOUNT:
        raise ServiceError(_l("The quote's total is too large."))
    with WORK_ORDER.transition(order, "quote", actor):
        order.quote_lines = built
        order.quote_labour = labour
        order.quote_materials = materials


def _quote_line(order: WorkOrder, items: dict, n: int, given: LineInput) -> QuoteLine:
    if given.quantity is None or given.quantity <= 0:
        raise ServiceError(_l("Line %(n)d: enter a quantity above 0."), n=n)
    line = QuoteLine(estate_id=order.estate_id, position=n, quantity=money(given.quantity))
    if given.item_id is not None:
        item = items.get(given.item_id)
        if item is None:
            raise ServiceError(
                _l("Line %(n)d: the item is not on this estate's price list today."), n=n
            )
        line.price_item_id, line.description, line.unit = item.id, item.name, item.unit
        labour = item.labour_price if given.labour is None else given.labour
        materials = item.materials_price if given.materials is None else given.materials
        line.reason = (given.reason or "").strip() or None
    else:
        line.description = (given.description or "").strip()[:100]
        line.reason = (given.reason or "").strip()[:200]
        if not line.description:
            raise ServiceError(_l("Line %(n)d: pick an item or name the work."), n=n)
        if not line.reason:
            raise ServiceError(
                _l("Line %(n)d: say why %(work)s is not from the price list."),
                n=n,
                work=line.description,
            )
        labour, materials = given.labour, given.materials
        if labour is None:
            raise ServiceError(_l("Line %(n)d: enter the labour price."), n=n)
    line.unit_labour = money(labour)
    line.unit_materials = money(materials or 0)
    if line.unit_labour < 0 or line.unit_materials < 0:
        raise ServiceError(_l("Line %(n)d: prices cannot be negative."), n=n)
    if line.total > MAX_AMOUNT:
        raise ServiceError(_l("The quote's total is too large."))
    return line


def record_damage(order: WorkOrder, actor, *, damage: str) -> None:
    """Damage found on arrival, written down before any work: on arrival, or while the quote
    waits for the resident's answer (shown on the quote the resident accepts)."""
    damage = (damage or "").strip()
    if not damage:
        raise ServiceError(_l("Describe the damage found on arrival."))
    with WORK_ORDER.transition(order, "record_damage", actor):
        order.arrival_damage = damage


def accept_quote(order: WorkOrder, actor) -> None:
    with WORK_ORDER.transition(order, "accept_quote", actor):
        order.quote_accepted = True
        order.quote_decided_at = clock.now()


def decline_quote(order: WorkOrder, actor) -> None:
    with WORK_ORDER.transition(order, "decline_quote", actor):
        order.quote_accepted = False
        order.quote_decided_at = clock.now()
    follow_work_order(order, actor)


def book_next_visit(order: WorkOrder, actor, *, next_visit_at: datetime, notes: str) -> None:
    if next_visit_at is None or next_visit_at <= clock.now():
        raise ServiceError(_l("The next visit must be in the future."))
    if not (notes or "").strip():
        raise ServiceError(_l("Explain to the resident why the work cannot be finished now."))
    with WORK_ORDER.transition(order, "book_next_visit", actor):
        order.next_visit_at = next_visit_at
        order.appointment_at = next_visit_at
        order.work_notes = _append(order.work_notes, notes)


def resume(order: WorkOrder, actor) -> None:
    with WORK_ORDER.transition(order, "resume", actor):
        order.arrived_at = clock.now()


def finish(order: WorkOrder, actor, *, notes: str = "") -> None:
    with WORK_ORDER.transition(order, "finish", actor):
        order.work_done_at = clock.now()
        if notes and notes.strip():
            order.work_notes = _append(order.work_notes, notes)
    resident_notices.work_order_event(order, NoticeEvent.done)


def rework(order: WorkOrder, actor, *, notes: str) -> None:
    """The resident checks the finished work before signing and finds it not right: no
    signature, the technician works on (and marks it done again, or books a next visit)."""
    if not (notes or "").strip():
        raise ServiceError(_l("Write down what the resident found not done."))
    with WORK_ORDER.transition(order, "rework", actor):
        order.work_done_at = None
        order.work_notes = _append(order.work_notes, notes)


OPINION_MAX = 1000  # characters of the resident's opinions written at signing


def close_with_signature(
    order: WorkOrder,
    actor,
    *,
    signer_name: str,
    signature_png: bytes,
    fee: Decimal | None,
    method=None,
    pay_at_office: bool = False,
    opinion: str = "",
) -> None:
    """The resident checks the work and signs on the screen; a fee is paid on the spot with
    `method` (a receipt is given) or left to pay at the office (payments/operations.py).
    `opinion`: his opinions and suggestions, asked as he signs (kept as said, or none)."""
    signer_name = (signer_name or "").strip()
    if not signer_name:
        raise ServiceError(_l("Enter the name of the person who signs."))
    if fee is None and order.kind in PAID_KINDS:
        raise ServiceError(_l("Enter the fee collected (0 if none)."))
    if fee is not None and fee < 0:
        raise ServiceError(_l("The fee cannot be negative."))
    if len((opinion or "").strip()) > OPINION_MAX:
        raise ServiceError(_l("Keep the opinions to %(most)d characters.", most=OPINION_MAX))
    with WORK_ORDER.transition(order, "close", actor):
        if not signature_png:
            raise ServiceError(_l("The resident has not signed yet."))
        stored = storage.save_image(
            signature_png,
            filename=f"signature-{order.number}.png",
            estate_id=order.estate_id,
            created_by_id=actor.id,
        )
        now = clock.now()
        order.signature_file_id = stored.id
        order.signer_name = signer_name
        order.signing_opinion = (opinion or "").strip() or None
        order.fee_collected = fee if fee is not None else Decimal("0")
        payments.settle_at_close(
            order, actor, amount=order.fee_collected, method=method, at_office=pay_at_office
        )
        order.closed_at = now
        order.revisit_due_at = revisit_due(now, order.is_emergency, order.estate_id)
    # The call it was made from is handled with it (its revisit still due).
    follow_work_order(order, actor)
    # The rating asked by text, with its link: given, it is the revisit (no call needed).
    resident_notices.work_order_event(order, NoticeEvent.rating)


def revisit_due(closed_at: datetime, emergency: bool, estate_id: int | None = None) -> datetime:
    """The end of the estate's next working day; an emergency's within 24 hours too."""
    next_day = calendar.add_working_days(estate_id, closed_at.date(), 1)
    next_day_end = datetime.combine(next_day, REVISIT_BY)
    return min(closed_at + timedelta(hours=24), next_day_end) if emergency else next_day_end


RATINGS = ("rating_timeliness", "rating_quality", "rating_fee", "rating_attitude")


def mark_revisited(
    order: WorkOrder,
    actor,
    *,
    ratings: dict,
    satisfaction: Satisfaction,
    comment: str = "",
    called_at: datetime | None = None,
    channel: RevisitChannel = RevisitChannel.phone,
) -> Ticket | None:
    """Record the revisit: the desk's call, or the resident's own rating online (channel
    "online", actor the resident: portal/rating.py). An unsatisfied resident opens a
    follow-up complaint, of which the estate's supervisors hear at once."""
    for field in RATINGS:
        value = ratings.get(field)
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise ServiceError(_l("Give every rating from 1 to 5."))
    if satisfaction is None:
        raise ServiceError(_l("Choose the overall judgement."))
    called_at = called_at or clock.now()
    if called_at > clock.now() + timedelta(minutes=5):
        raise ServiceError(_l("The call cannot be in the future."))
    followup = None
    with WORK_ORDER.transition(order, "revisit", actor):
        for field in RATINGS:
            setattr(order, field, ratings[field])
        order.satisfaction = Satisfaction(satisfaction)
        order.revisit_comment = (comment or "").strip() or None
        order.revisited_at = called_at
        order.revisit_channel = RevisitChannel(channel)
        # A resident's own rating names no member of staff.
        order.revisited_by_id = actor.id if isinstance(actor, Staff) else None
        if order.satisfaction is Satisfaction.unsatisfied:
            followup = _open_followup(order, actor)
    close_after_revisit(order, actor, followup)
    return followup


def _open_followup(order: WorkOrder, actor) -> Ticket:
    db.session.flush()  # the revisit's own changes belong to "revisit", not to the follow-up
    supervisor = (
        db.session.query(Staff)
        .filter(Staff.role == Role.supervisor, Staff.active.is_(True))
        .order_by(Staff.id)
        .all()
    )
    owner = next((s for s in supervisor if order.estate_id in s.estate_ids), None)
    with history.action("open_followup", actor=actor):
        ticket = Ticket(
            estate_id=order.estate_id,
            category=TicketCategory.complaint,
            status=TicketStatus.escalated,
            complaint_code=ComplaintCode.repair_quality,
            unit_id=order.unit_id,
            resident_id=order.resident_id,
            reporter_name=order.contact_name,
            reporter_phone=order.contact_phone,
            description=str(
                _l(
                    "Unsatisfied at the revisit of work order %(number)s: %(comment)s",
                    number=order.number,
                    comment=order.revisit_comment or "—",
                )
            ),
            received_at=clock.now(),
            received_by_id=actor.id if isinstance(actor, Staff) else None,
            assignee_id=owner.id if owner else None,
        )
        db.session.add(ticket)
        # Linked before the flush, so that the supervisors hear of a follow-up, not of a
        # plain new complaint (services/handoffs.py).
        order.followup_ticket = ticket
        db.session.flush()
    return ticket


def _append(existing: str | None, text: str) -> str:
    stamp = clock.now().strftime("%Y-%m-%d %H:%M")
    line = f"[{stamp}] {text.strip()}"
    return f"{existing}\n{line}" if existing else line


def remind(order: WorkOrder, actor) -> None:
    """A supervisor nudges the technician (the front desk before dispatch or for the revisit)."""
    needs_technician = order.status in OPEN_STATES | {S.done} and order.status is not S.new
    with WORK_ORDER.transition(order, "remind", actor):
        manual.remind_now(
            order,
            actor,
            recipient_id=order.technician_id if needs_technician else None,
            role=Role.receptionist,
        )
