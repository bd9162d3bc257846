"""Today's work lists (the dashboard's cards, a list's "queue" filter): what the office must do
now. One definition per work list, used by the
dashboard's counts and by the list filter its links open, so both always agree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, not_, or_, select

from admin_app import clock
from admin_app.auth.permissions import APPROVERS
from admin_app.models import (
    ActionStatus,
    CorrectiveAction,
    Estate,
    MessageStatus,
    PassStatus,
    Payment,
    PaymentState,
    ReleaseApprover,
    ReleasePass,
    Renovation,
    RenovationStatus,
    Role,
    StaffMessage,
    Ticket,
    TicketCategory,
    TicketStatus,
    VehiclePass,
    WorkerPass,
    WorkOrder,
    WorkOrderStatus,
)

T, S = TicketStatus, WorkOrderStatus
TICKET_WORKING = (T.open, T.in_progress, T.escalated)
COMPLAINT_OWNERS = (Role.supervisor, Role.director)  # tickets/complaints.py, _owner_for
ASSIGNEES = (Role.receptionist, Role.supervisor, Role.director)  # whom calls are handed to
ASSIGNED_TO_YOU = "assigned_to_you"  # the queue a batch assignment's one message opens
ORDER_OPEN = (S.new, S.dispatched, S.arrived, S.quoted, S.in_progress, S.next_visit)


@dataclass(frozen=True)
class Worklist:
    name: str
    label: object
    resource: str  # the list that shows it
    model: type
    clause: Callable[[datetime], object]
    order_by: Callable[[], tuple]
    urgent: bool = False
    on_dashboard: bool = True  # else only a queue of its list (a page links there)
    # The permission (auth/permissions.py) a user needs for the card, beyond seeing the list:
    # a decision queue is no work for whoever may not decide.
    needs: str | None = None
    # Narrows the list to what this user decides where the permission alone says too much:
    # (user) -> a clause, or None for all of it.
    users_share: Callable[[object], object] | None = None
    # Whether the user has any of it to do at all (else the card is not shown): (user) -> bool.
    concerns: Callable[[object], bool] | None = None
    # A card red only when some of it is pressing: (its first record, in its order) -> bool.
    # The order puts the pressing ones first, so the first record tells without a query.
    urgent_if: Callable[[object], bool] | None = None
    pressing: object = _l("Emergency")  # the badge of a pressing record on the card

    def clause_for(self, user, now: datetime):
        mine = self.users_share(user) if self.users_share is not None else None
        return self.clause(now) if mine is None else and_(self.clause(now), mine)


def _end_of_today(now: datetime) -> datetime:
    return datetime.combine(now.date() + timedelta(days=1), time.min)


def _release_slips_decided_by(user):
    """A release slip is the front desk's decision only in an estate that lets the desk decide
    (passes.release_approvers); elsewhere it waits for a supervisor and is no work of theirs."""
    if getattr(user, "role", None) in APPROVERS:
        return None
    return ReleasePass.estate_id.in_(
        select(Estate.id).where(Estate.release_approver == ReleaseApprover.receptionist)
    )


def _decides_release_slips_somewhere(user) -> bool:
    return getattr(user, "role", None) in APPROVERS or any(
        estate.release_approver is ReleaseApprover.receptionist for estate in user.estates
    )


def _open_complaint():
    """A complaint not closed yet: being handled, or reported back and waiting for its revisit."""
    return and_(
        Ticket.category == TicketCategory.complaint,
        Ticket.status.in_(TICKET_WORKING + (T.resolved,)),
    )


def _by_deadline() -> tuple:
    # Those without a deadline yet last (PostgreSQL's index order for ascending columns).
    return (Ticket.complaint_due_at.asc().nulls_last(), Ticket.received_at)


def _past_its_deadline(ticket) -> bool:
    """Still being handled after its deadline (one reported back waits for the revisit: its
    result came in time or not, the deadline no longer presses)."""
    due = ticket.complaint_due_at
    return ticket.status in TICKET_WORKING and due is not None and due < clock.now()


def _action_overdue(now: datetime):
    return and_(CorrectiveAction.status == ActionStatus.open, CorrectiveAction.due_at < now)


WORKLISTS: list[Worklist] = [
    # The complaints the user answers for (their owner: a supervisor for the ordinary ones, the
    # director for the serious, 48 hours), the nearest deadline first; red once one still being
    # handled is past it. First on the page: it is the reader's own.
    Worklist(
        "complaints_you_own",
        _l("Complaints you are responsible for"),
        "ticket",
        Ticket,
        lambda now: _open_complaint(),
        _by_deadline,
        users_share=lambda user: Ticket.owner_id == user.id,
        concerns=lambda user: getattr(user, "role", None) in COMPLAINT_OWNERS,
        urgent_if=_past_its_deadline,
        pressing=_l("Overdue"),
    ),
    # The calls the user sees through (首问负责制: the first person asked follows the call
    # to its end, 001 二(一)1): those handed to them (by a supervisor, one by one or in a
    # batch), and those they took that nobody else was given. The promised callback first;
    # red once one is past it.
    Worklist(
        ASSIGNED_TO_YOU,
        _l("Calls you see through"),
        "ticket",
        Ticket,
        lambda now: Ticket.status.in_(TICKET_WORKING),
        lambda: (Ticket.callback_due_at.asc().nulls_last(), Ticket.received_at),
        users_share=lambda user: or_(
            Ticket.assignee_id == user.id,
            and_(Ticket.assignee_id.is_(None), Ticket.received_by_id == user.id),
        ),
        concerns=lambda user: getattr(user, "role", None) in ASSIGNEES,
        urgent_if=lambda ticket: (
            ticket.callback_due_at is not None and ticket.callback_due_at < clock.now()
        ),
        pressing=_l("Overdue"),
    ),
    # Messages taken for the user while out (留言转告), the oldest first: a caller waits.
    Worklist(
        "messages_for_you",
        _l("Messages for you"),
        "staff_message",
        StaffMessage,
        lambda now: StaffMessage.status == MessageStatus.waiting,
        lambda: (StaffMessage.taken_at,),
        users_share=lambda user: StaffMessage.for_staff_id == user.id,
        # The office's dashboard; a technician or guard works from his phone page, whose
        # inbox count tells him.
        concerns=lambda user: getattr(user, "role", None) in ASSIGNEES,
        urgent=True,
    ),
    Worklist(
        "overdue_callbacks",
        _l("Callbacks overdue"),
        "ticket",
        Ticket,
        lambda now: and_(
            Ticket.category == TicketCategory.inquiry,
            Ticket.status.in_(TICKET_WORKING),
            Ticket.callback_due_at < now,
        ),
        lambda: (Ticket.callback_due_at,),
        urgent=True,
    ),
    Worklist(
        "overdue_complaints",
        _l("Complaints past their deadline"),
        "ticket",
        Ticket,
        lambda now: and_(
            Ticket.category == TicketCategory.complaint,
            Ticket.status.in_(TICKET_WORKING),
            Ticket.complaint_due_at < now,
        ),
        lambda: (Ticket.complaint_due_at,),
        urgent=True,
    ),
    Worklist(
        "open_complaints",
        _l("Open complaints by deadline"),
        "ticket",
        Ticket,
        lambda now: _open_complaint(),
        _by_deadline,
    ),
    Worklist(
        "overdue_actions",
        _l("Corrective actions overdue"),
        "corrective_action",
        CorrectiveAction,
        lambda now: _action_overdue(now),
        lambda: (CorrectiveAction.due_at,),
        urgent=True,
    ),
    Worklist(
        "unverified_actions",
        _l("Corrective actions to finish or verify"),
        "corrective_action",
        CorrectiveAction,
        lambda now: CorrectiveAction.status.in_((ActionStatus.open, ActionStatus.done)),
        lambda: (CorrectiveAction.due_at,),
    ),
    # The unverified ones not overdue: a department's page lists them apart from the overdue.
    Worklist(
        "waiting_actions",
        _l("Corrective actions to finish or verify, not overdue"),
        "corrective_action",
        CorrectiveAction,
        lambda now: and_(
            CorrectiveAction.status.in_((ActionStatus.open, ActionStatus.done)),
            not_(_action_overdue(now)),
        ),
        lambda: (CorrectiveAction.due_at,),
        on_dashboard=False,
    ),
    Worklist(
        "late_arrivals",
        _l("Technicians late"),
        "work_order",
        WorkOrder,
        lambda now: and_(
            WorkOrder.status == S.dispatched,
            or_(WorkOrder.arrive_by < now, WorkOrder.appointment_at < now),
        ),
        lambda: (WorkOrder.arrive_by, WorkOrder.appointment_at),
        urgent=True,
    ),
    # Orders waiting for a technician: a resident's online report, a call saved without
    # dispatching, an order handed back. Emergencies first (15 minutes to reach them), then
    # the oldest. Read from (estate, status, created_at): only the estates' new orders, sorted.
    Worklist(
        "orders_to_dispatch",
        _l("Work orders to dispatch"),
        "work_order",
        WorkOrder,
        lambda now: WorkOrder.status == S.new,
        lambda: (WorkOrder.is_emergency.desc(), WorkOrder.created_at),
        needs="work_order.dispatch",
        urgent_if=lambda order: order.is_emergency,
    ),
    Worklist(
        "emergencies",
        _l("Emergencies in progress"),
        "work_order",
        WorkOrder,
        # The bare column, not IS TRUE, and the open states as the index lists them: PostgreSQL
        # then matches the worklist's partial index. One waiting for a technician is on "to
        # dispatch" (first, red), not here too: everyone with this card may dispatch.
        lambda now: and_(
            WorkOrder.is_emergency, WorkOrder.status.in_(ORDER_OPEN), WorkOrder.status != S.new
        ),
        lambda: (WorkOrder.created_at,),
        urgent=True,
    ),
    Worklist(
        "revisits_due",
        _l("Revisits due today"),
        "work_order",
        WorkOrder,
        lambda now: and_(
            WorkOrder.status == S.closed, WorkOrder.revisit_due_at < _end_of_today(now)
        ),
        lambda: (WorkOrder.revisit_due_at,),
    ),
    # Fees left "to pay at the office": the desk takes them when the resident comes.
    Worklist(
        "unpaid_fees",
        _l("Fees to pay at the office"),
        "payment",
        Payment,
        lambda now: Payment.state == PaymentState.unpaid,
        lambda: (Payment.created_at,),
    ),
    # Money taken and not handed in by the close of the next office day.
    Worklist(
        "cash_held_late",
        _l("Collections not handed in on time"),
        "payment",
        Payment,
        lambda now: and_(
            Payment.state == PaymentState.paid,
            Payment.hand_in_id.is_(None),
            Payment.hand_in_due_at < now,
        ),
        lambda: (Payment.hand_in_due_at,),
        urgent=True,
    ),
    # Applications waiting for the office's decision, oldest first. A tenant's release slip
    # still waiting for the owner's confirmation cannot be decided yet (passes/operations.py).
    Worklist(
        "worker_passes_to_approve",
        _l("Worker passes waiting for approval"),
        "worker_pass",
        WorkerPass,
        lambda now: WorkerPass.status == PassStatus.applied,
        lambda: (WorkerPass.created_at,),
        needs="worker_pass.approve",
    ),
    Worklist(
        "vehicle_passes_to_approve",
        _l("Vehicle passes waiting for approval"),
        "vehicle_pass",
        VehiclePass,
        lambda now: VehiclePass.status == PassStatus.applied,
        lambda: (VehiclePass.created_at,),
        needs="vehicle_pass.approve",
    ),
    Worklist(
        "release_passes_to_approve",
        _l("Release slips waiting for approval"),
        "release_pass",
        ReleasePass,
        lambda now: and_(
            ReleasePass.status == PassStatus.applied,
            or_(
                ReleasePass.applicant_is_tenant.is_(False),
                ReleasePass.owner_confirmed_at.is_not(None),
            ),
        ),
        lambda: (ReleasePass.created_at,),
        needs="release_pass.approve",
        users_share=_release_slips_decided_by,
        concerns=_decides_release_slips_somewhere,
    ),
    Worklist(
        "renovations_to_approve",
        _l("Renovations waiting for approval"),
        "renovation",
        Renovation,
        lambda now: Renovation.status == RenovationStatus.applied,
        lambda: (Renovation.created_at,),
        needs="renovation.issue_permit",
    ),
]

BY_NAME = {q.name: q for q in WORKLISTS}


def register(worklist: Worklist) -> None:
    """Other workflows (passes, renovations) add their work lists here."""
    if worklist.name not in BY_NAME:
        WORKLISTS.append(worklist)
        BY_NAME[worklist.name] = worklist


def clause_for(name: str):
    return BY_NAME[name].clause(clock.now())
