"""The one table of reminder rules: every deadline in the office, whom it warns, when, and
whom it escalates to once it has passed.

A rule watches one deadline column of one record type. The deadline is alive while the
record's status is one of `states` and none of the `done_when` columns is filled in; once the
record is fixed (resolved, arrived, revisited, revoked, …) its reminders are cancelled.
Reminders are written when the record is saved (see outbox.py), so a rule change here applies
to records saved afterwards; `flask --app wsgi reminders rebuild` re-plans existing ones.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from admin_app.models import (
    ActionStatus,
    Channel,
    CorrectiveAction,
    PassStatus,
    Payment,
    PaymentState,
    Renovation,
    RenovationStatus,
    Role,
    Severity,
    Ticket,
    TicketCategory,
    TicketStatus,
    Validity,
    VehiclePass,
    WorkerPass,
    WorkOrder,
    WorkOrderKind,
    WorkOrderStatus,
)
from admin_app.models.duty import DutyHoliday
from admin_app.models.home_visit import BookingStatus, HomeVisitBooking
from admin_app.models.lending import Loan
from admin_app.models.visitors import Parcel, ParcelStatus

MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)

# A renovation awaiting its completion inspection is overdue after this long.
COMPLETION_INSPECTION_WITHIN = 3 * DAY
# The supervisors hear this long before a public holiday that nobody is on the rota for.
HOLIDAY_ROTA_NOTICE = 3 * DAY


@dataclass(frozen=True)
class Escalation:
    after: timedelta  # after the deadline
    role: Role  # every active staff member of this role in the record's estate


@dataclass(frozen=True)
class Rule:
    name: str
    model: type
    deadline: str  # a date column means "valid through that day"
    subject: object  # what is due, as staff read it (lazy string)
    warn_before: timedelta
    escalate: tuple[Escalation, ...]
    states: frozenset = frozenset()  # statuses that keep the deadline alive
    done_when: tuple[str, ...] = ()  # columns that end the deadline once filled in
    only_if: dict = field(default_factory=dict)  # column -> values the rule applies to
    warn: tuple[str, ...] = ()  # staff-id columns tried in turn for the warning …
    warn_role: Role = Role.receptionist  # … and the role warned when none is set
    deadline_offset: timedelta = timedelta(0)
    # Non-emergency reminders due outside office hours wait for the morning.
    office_hours: bool = True
    # Staff out in the estate read a text message sooner than the panel; escalations too.
    sms: bool = False

    @property
    def entity_type(self) -> str:
        return self.model.__tablename__

    def columns(self) -> set[str]:
        """Every column whose change can change this rule's reminders."""
        names = {"id", "estate_id", self.deadline, *self.done_when, *self.only_if, *self.warn}
        if self.states:
            names.add("status")
        return names


def up(*pairs) -> tuple[Escalation, ...]:
    return tuple(Escalation(after, role) for after, role in pairs)


T, W, P, R = TicketStatus, WorkOrderStatus, PassStatus, RenovationStatus
OPEN_TICKET = frozenset({T.open, T.in_progress, T.escalated})
COMPLAINT = frozenset({TicketCategory.complaint})
NOT_SERIOUS = frozenset({Severity.ordinary, None})
UNJUDGED = frozenset({Validity.pending, None})
ACTIVE_RENOVATION = frozenset({R.permitted, R.in_progress, R.stopped, R.inspection, R.failed})
VISIT_KINDS = frozenset(k for k in WorkOrderKind if k is not WorkOrderKind.home_visit)

RULES: tuple[Rule, ...] = (
    # An inquiry answered later: call back by the promised time [004 §3.1.3].
    Rule(
        name="callback",
        model=Ticket,
        deadline="callback_due_at",
        subject=_l("Promised callback"),
        states=OPEN_TICKET,
        done_when=("resident_informed_at", "resolved_at"),
        warn=("assignee_id", "received_by_id"),
        warn_before=10 * MINUTE,
        escalate=up((0 * MINUTE, Role.supervisor), (2 * HOUR, Role.director)),
    ),
    # Complaints [003 §二]: invalid → explain within 1 day; valid → handling record within
    # 3 days; serious → a result within 48 hours, owned by the director.
    Rule(
        name="complaint_invalid",
        model=Ticket,
        deadline="complaint_due_at",
        subject=_l("Explain an invalid complaint to the complainant (1 day)"),
        states=OPEN_TICKET,
        done_when=("handled_at",),
        only_if={"category": COMPLAINT, "validity": frozenset({Validity.invalid})},
        warn=("owner_id", "assignee_id"),
        warn_role=Role.supervisor,
        warn_before=4 * HOUR,
        escalate=up((0 * HOUR, Role.supervisor), (1 * DAY, Role.director)),
    ),
    Rule(
        name="complaint_valid",
        model=Ticket,
        deadline="complaint_due_at",
        subject=_l("Handling record of a valid complaint (3 days)"),
        states=OPEN_TICKET,
        done_when=("handled_at",),
        only_if={
            "category": COMPLAINT,
            "validity": frozenset({Validity.valid}),
            "severity": NOT_SERIOUS,
        },
        warn=("owner_id", "assignee_id"),
        warn_role=Role.supervisor,
        warn_before=1 * DAY,
        escalate=up((0 * HOUR, Role.supervisor), (1 * DAY, Role.director)),
    ),
    Rule(
        name="complaint_serious",
        model=Ticket,
        deadline="complaint_due_at",
        subject=_l("Result of a serious complaint (48 hours)"),
        states=OPEN_TICKET,
        done_when=("handled_at",),
        only_if={
            "category": COMPLAINT,
            "severity": frozenset({Severity.serious}),
            "validity": frozenset({Validity.valid, Validity.pending, None}),
        },
        warn=("owner_id",),
        warn_role=Role.director,
        warn_before=12 * HOUR,
        escalate=up((0 * HOUR, Role.director)),
        sms=True,
    ),
    Rule(
        name="complaint_unjudged",
        model=Ticket,
        deadline="complaint_due_at",
        subject=_l("Complaint not yet judged valid or invalid"),
        states=OPEN_TICKET,
        done_when=("handled_at",),
        only_if={"category": COMPLAINT, "validity": UNJUDGED, "severity": NOT_SERIOUS},
        warn=("owner_id", "assignee_id"),
        warn_role=Role.supervisor,
        warn_before=4 * HOUR,
        escalate=up((0 * HOUR, Role.supervisor), (1 * DAY, Role.director)),
    ),
    # A complaint's corrective action, tracked to its due date [003 二4(5)2]: its owner is
    # warned the day before (the supervisors when it has none), the supervisors then the
    # director told once it is overdue; done (to be verified) ends it.
    Rule(
        name="corrective_action",
        model=CorrectiveAction,
        deadline="due_at",
        subject=_l("Corrective action of a complaint"),
        states=frozenset({ActionStatus.open}),
        warn=("owner_id",),
        warn_role=Role.supervisor,
        warn_before=1 * DAY,
        escalate=up((0 * HOUR, Role.supervisor), (2 * DAY, Role.director)),
    ),
    # Emergencies (leak, power loss) must be reached within 15 minutes; night or day.
    Rule(
        name="emergency_arrival",
        model=WorkOrder,
        deadline="arrive_by",
        subject=_l("Technician at an emergency repair within 15 minutes"),
        states=frozenset({W.dispatched}),
        done_when=("arrived_at",),
        warn=("technician_id",),
        warn_before=5 * MINUTE,
        escalate=up((0 * MINUTE, Role.supervisor), (15 * MINUTE, Role.director)),
        office_hours=False,
        sms=True,
    ),
    # An emergency reported and still waiting for a technician (a resident's online report at
    # night, a call saved without dispatching): the 15 minutes run from the report, so 3
    # minutes without a dispatch reach the front desk by text, 5 the supervisors, 15 the
    # director. Dispatching it ends this and starts emergency_arrival.
    Rule(
        name="emergency_dispatch",
        model=WorkOrder,
        deadline="created_at",
        deadline_offset=5 * MINUTE,
        subject=_l("Emergency repair waiting for a technician"),
        states=frozenset({W.new}),
        only_if={"is_emergency": frozenset({True})},
        warn_before=2 * MINUTE,
        escalate=up((0 * MINUTE, Role.supervisor), (10 * MINUTE, Role.director)),
        office_hours=False,
        sms=True,
    ),
    # The appointment agreed with the resident; 30 minutes late without contact counts as
    # abandoned [002 篇3].
    Rule(
        name="appointment",
        model=WorkOrder,
        deadline="appointment_at",
        subject=_l("Technician's appointment with the resident"),
        states=frozenset({W.dispatched}),
        done_when=("arrived_at",),
        only_if={"kind": VISIT_KINDS},
        warn=("technician_id",),
        warn_before=30 * MINUTE,
        escalate=up((30 * MINUTE, Role.supervisor), (2 * HOUR, Role.director)),
        sms=True,
    ),
    # A home visit that cannot be kept must be called off at least 8 hours before: warn the
    # day before, while there is time to tell the resident.
    Rule(
        name="home_visit",
        model=WorkOrder,
        deadline="appointment_at",
        subject=_l("Home-visit appointment (call off at least 8 hours before)"),
        states=frozenset({W.dispatched}),
        done_when=("arrived_at",),
        only_if={"kind": frozenset({WorkOrderKind.home_visit})},
        warn=("technician_id",),
        warn_before=1 * DAY,
        escalate=up((30 * MINUTE, Role.supervisor), (2 * HOUR, Role.director)),
        sms=True,
    ),
    # Work that could not be finished: the next visit booked with the resident.
    Rule(
        name="next_visit",
        model=WorkOrder,
        deadline="next_visit_at",
        subject=_l("Booked next visit to finish the work"),
        states=frozenset({W.next_visit}),
        warn=("technician_id",),
        warn_before=1 * HOUR,
        escalate=up((30 * MINUTE, Role.supervisor), (1 * DAY, Role.director)),
        sms=True,
    ),
    # The receptionist calls back about every repair finished the day before [000 §4.3.1].
    Rule(
        name="revisit",
        model=WorkOrder,
        deadline="revisit_due_at",
        subject=_l("Next-day revisit call about a finished repair"),
        states=frozenset({W.closed}),
        done_when=("revisited_at",),
        warn=("dispatched_by_id",),
        warn_before=1 * HOUR,
        escalate=up((1 * DAY, Role.supervisor), (2 * DAY, Role.director)),
    ),
    # Money taken is handed in to finance by the close of the next office day [000 §4.2.2].
    Rule(
        name="hand_in",
        model=Payment,
        deadline="hand_in_due_at",
        subject=_l("Hand the money collected in to finance"),
        only_if={"state": frozenset({PaymentState.paid})},
        done_when=("hand_in_id",),
        warn=("collected_by_id",),
        warn_before=2 * HOUR,
        escalate=up((0 * HOUR, Role.supervisor), (1 * DAY, Role.director)),
    ),
    Rule(
        name="worker_pass_expiry",
        model=WorkerPass,
        deadline="valid_until",
        subject=_l("Construction-worker pass expires"),
        states=frozenset({P.approved}),
        warn_before=1 * DAY,
        escalate=up((1 * DAY, Role.supervisor)),
    ),
    Rule(
        name="vehicle_pass_expiry",
        model=VehiclePass,
        deadline="valid_until",
        subject=_l("Vehicle pass expires"),
        states=frozenset({P.approved}),
        warn_before=3 * DAY,
        escalate=up((1 * DAY, Role.supervisor)),
    ),
    Rule(
        name="permit_expiry",
        model=Renovation,
        deadline="permit_valid_until",
        subject=_l("Renovation permit expires"),
        states=ACTIVE_RENOVATION,
        done_when=("accepted_at",),
        warn_before=3 * DAY,
        escalate=up((0 * DAY, Role.supervisor), (3 * DAY, Role.director)),
    ),
    Rule(
        name="patrol",
        model=Renovation,
        deadline="next_patrol_due_at",
        subject=_l("Renovation patrol inspection due"),
        states=frozenset({R.in_progress, R.stopped}),
        warn_role=Role.guard,
        warn_before=2 * HOUR,
        escalate=up((4 * HOUR, Role.supervisor), (2 * DAY, Role.director)),
        sms=True,
    ),
    Rule(
        name="completion_inspection",
        model=Renovation,
        deadline="completion_requested_at",
        deadline_offset=COMPLETION_INSPECTION_WITHIN,
        subject=_l("Completion inspection of a renovation"),
        states=frozenset({R.inspection}),
        done_when=("accepted_at",),
        warn_role=Role.supervisor,
        warn_before=1 * DAY,
        escalate=up((0 * DAY, Role.director)),
    ),
    # Holiday duty is fixed before the holiday [000 办公室 3.14, 值班 3.2]: a public holiday
    # still without a shift on the rota warns the supervisors; the director hears at its start.
    Rule(
        name="holiday_rota",
        model=DutyHoliday,
        deadline="starts_on",
        deadline_offset=-DAY,  # the holiday's first morning, 00:00
        subject=_l("Holiday duty rota still empty"),
        done_when=("rota_fixed_at",),
        warn_role=Role.supervisor,
        warn_before=HOLIDAY_ROTA_NOTICE,
        escalate=up((0 * DAY, Role.director)),
    ),
)

RULES += (
    # A home-visit request is answered within 1 working day [002 篇3 第八條]: a time agreed
    # or a refusal explained; the deadline is the close of the estate's next working day.
    Rule(
        name="home_visit_answer",
        model=HomeVisitBooking,
        deadline="answer_due_at",
        subject=_l("Answer a home-visit request (1 working day)"),
        states=frozenset({BookingStatus.requested}),
        done_when=("answered_at",),
        warn=("received_by_id",),
        warn_before=2 * HOUR,
        escalate=up((0 * HOUR, Role.supervisor), (1 * DAY, Role.director)),
    ),
    # The agreed visit: the day before, while it can still be called off (8 hours' notice,
    # 第十條); 30 minutes past it with no contact it is abandoned (第十一條, by the sweep).
    Rule(
        name="home_visit_booking",
        model=HomeVisitBooking,
        deadline="appointment_at",
        subject=_l("Booked home visit (call off at least 8 hours before)"),
        states=frozenset({BookingStatus.agreed}),
        done_when=("visited_at",),
        warn=("answered_by_id",),
        warn_before=1 * DAY,
        escalate=up((30 * MINUTE, Role.supervisor)),
    ),
    # The staff member who goes, an hour before: time to set out (told when it was booked).
    Rule(
        name="home_visit_visitor",
        model=HomeVisitBooking,
        deadline="appointment_at",
        subject=_l("Your home visit: set out for the applicant's home"),
        states=frozenset({BookingStatus.agreed}),
        done_when=("visited_at",),
        warn=("visitor_id", "answered_by_id"),  # (a booking agreed before visitors were named)
        warn_before=1 * HOUR,
        escalate=(),
        sms=True,
    ),
    # A call the company forwarded, closed: its result goes back to the company in writing
    # within a day [001 四(二)1③]; whoever answers for it is told, then the supervisors.
    Rule(
        name="company_report",
        model=Ticket,
        deadline="closed_at",
        deadline_offset=1 * DAY,
        subject=_l("Report the result to the company in writing"),
        states=frozenset({T.closed}),
        only_if={"channel": frozenset({Channel.company})},
        done_when=("company_reported_at",),
        warn=("owner_id", "assignee_id", "received_by_id"),
        warn_before=4 * HOUR,
        escalate=up((0 * DAY, Role.supervisor)),
    ),
    # A parcel signed for on a resident's behalf and not collected after PARCEL_COLLECT_DAYS:
    # whoever signed for it calls the resident again [001 三(三)2(7)].
    Rule(
        name="parcel_uncollected",
        model=Parcel,
        deadline="collect_due_at",
        subject=_l("Parcel not collected: call the resident"),
        states=frozenset({ParcelStatus.waiting}),
        done_when=("handed_over_at",),
        warn=("received_by_id",),
        warn_before=0 * DAY,
        escalate=up((2 * DAY, Role.supervisor)),
    ),
    # An item of the gate's lending box not back by the item's time [001 二(一)5]: the
    # estate's guards (whoever is on shift) call the borrower; a day later, the desk too.
    Rule(
        name="loan_overdue",
        model=Loan,
        deadline="due_at",
        subject=_l("Not back in the lending box: call the borrower"),
        done_when=("returned_at",),
        warn_role=Role.guard,
        warn_before=0 * DAY,
        escalate=up((1 * DAY, Role.receptionist)),
    ),
)

RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}
MODELS: dict[str, type] = {rule.entity_type: rule.model for rule in RULES}


def rules_for(entity_type: str) -> tuple[Rule, ...]:
    return tuple(rule for rule in RULES if rule.entity_type == entity_type)


@functools.cache
def watched_columns(entity_type: str) -> frozenset[str]:
    return frozenset().union(*(rule.columns() for rule in rules_for(entity_type)))
