"""The table of hand-offs: the moments a record passes to someone who must hear of it at once,
each with its inbox line. Written and delivered by services/handoffs.py; the reminder list,
the messages and the channels read them from here."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

PREFIX = "handoff"  # every hand-off's dedupe key starts "handoff:"


@dataclass(frozen=True)
class HandoffKind:
    name: str  # Reminder.rule
    subject: object  # what it is about, as the reminder list names it (lazy string)
    title: object  # the inbox line: %(record)s, and %(deadline)s where the kind has one
    sms: bool = False  # also by text message (when a provider is configured)
    # Told once per batch (services/handoffs.py, gathered): the inbox line of several records
    # at once — %(count)s, %(deadline)s the first one's — and the page it links to (with its
    # query: a list's filter).
    many: object = None
    many_endpoint: str | None = None
    many_query: str = ""


NEW_COMPLAINT = HandoffKind(
    "handoff_complaint",
    _l("New complaint"),
    _l("New complaint %(record)s: classify it and take it up."),
    sms=True,
)
FOLLOWUP = HandoffKind(
    "handoff_followup",
    _l("Follow-up complaint after an unsatisfied revisit"),
    _l("Follow-up complaint %(record)s: the resident was unsatisfied at a repair's revisit."),
    sms=True,
)
ESCALATED = HandoffKind(
    "handoff_escalated",
    _l("Ticket passed up to the supervisors"),
    _l("%(record)s is passed up to the supervisors: please take it over."),
    sms=True,
)
SERIOUS = HandoffKind(
    "handoff_serious",
    _l("Serious complaint for the director"),
    _l("Serious complaint %(record)s: yours to handle, a result within 48 hours."),
    sms=True,
)
ASSIGNED = HandoffKind(
    "handoff_assigned",
    _l("Ticket assigned"),
    _l("%(record)s is assigned to you."),
    many=_l("%(count)s tickets are assigned to you. See your list."),
    many_endpoint="ticket.index_view",
    many_query="?flt0_queue=assigned_to_you",  # services/worklists.py, ASSIGNED_TO_YOU
)
DISPATCHED = HandoffKind(
    "handoff_dispatched",
    _l("Work order dispatched"),
    _l("Work order %(record)s is dispatched to you: be there by %(deadline)s."),
    sms=True,
    many=_l(
        "%(count)s work orders are dispatched to you: the first at %(deadline)s. See your list."
    ),
    many_endpoint="tech.my_orders",
)
REOPENED = HandoffKind(
    "handoff_reopened",
    _l("Complaint reopened: the resident is unsatisfied"),
    _l("Complaint %(record)s is reopened, the resident unsatisfied: yours, due %(deadline)s."),
    sms=True,
)
DEPARTMENT = HandoffKind(
    "handoff_department",
    _l("Handed to your department"),
    _l("%(record)s is handed to your department: please see to it."),
)
# Duty (duty/operations.py): a swap to decide, its decision, a hand-over to take up.
DUTY_SWAP_REQUESTED = HandoffKind(
    "handoff_duty_swap",
    _l("Duty swap to approve"),
    _l("Duty swap request %(record)s: approve or refuse it."),
)
DUTY_SWAP_DECIDED = HandoffKind(
    "handoff_duty_swap_decided",
    _l("Duty swap decided"),
    _l("Duty swap request %(record)s is decided: see the rota."),
)
DUTY_HANDOVER = HandoffKind(
    "handoff_duty_handover",
    _l("Duty hand-over note"),
    _l("Hand-over note of the duty shift %(record)s: read and acknowledge it."),
)

HANDOFF_KINDS: dict[str, HandoffKind] = {
    kind.name: kind
    for kind in (
        NEW_COMPLAINT,
        FOLLOWUP,
        ESCALATED,
        SERIOUS,
        ASSIGNED,
        DISPATCHED,
        REOPENED,
        DEPARTMENT,
        DUTY_SWAP_REQUESTED,
        DUTY_SWAP_DECIDED,
        DUTY_HANDOVER,
    )
}

# A technician hands an order back or passes it to a colleague: the supervisors hear of it.
HANDED_BACK = HandoffKind(
    "handoff_handed_back",
    _l("Work order handed back by the technician"),
    _l("Work order %(record)s is handed back by its technician: dispatch it again."),
)
PASSED_ON = HandoffKind(
    "handoff_passed_on",
    _l("Work order passed on to a colleague"),
    _l("Work order %(record)s is passed on to another technician."),
)
# A technician or guard reports from his phone page: the front desk takes it up.
FIELD_REPORT = HandoffKind(
    "handoff_field_report",
    _l("Reported by a technician or guard"),
    _l("%(record)s was reported from the field: please take it up."),
)
# A resident chases an order at the desk (催单): its technician, out on his rounds, hears at
# once that someone is waiting for him, by text too, as of the dispatch itself.
CHASED = HandoffKind(
    "handoff_chased",
    _l("The resident chases a work order"),
    _l("The resident chases work order %(record)s: call them or get there soon."),
    sms=True,
)
HANDOFF_KINDS.update({kind.name: kind for kind in (HANDED_BACK, PASSED_ON, FIELD_REPORT, CHASED)})
# A resident reports a repair on his own pages (/r/) that no technician took at once: the
# front desk dispatches it (the work order), or makes its work order (a repair of unknown kind).
ONLINE_REPAIR = HandoffKind(
    "handoff_online_repair",
    _l("Repair reported online by a resident"),
    _l("%(record)s: a repair a resident reported online waits for a technician: dispatch it."),
)
HANDOFF_KINDS[ONLINE_REPAIR.name] = ONLINE_REPAIR
# A suggestion a resident leaves online: the front desk answers it (a complaint reaches the
# supervisors like any other).
ONLINE_SUGGESTION = HandoffKind(
    "handoff_online_suggestion",
    _l("Suggestion left online by a resident"),
    _l("%(record)s: a resident left a suggestion online: answer it and record the reply."),
)
HANDOFF_KINDS[ONLINE_SUGGESTION.name] = ONLINE_SUGGESTION
# A household moved out, but the person at the desk may not revoke its passes.
MOVE_OUT_PASSES = HandoffKind(
    "handoff_move_out_passes",
    _l("Passes to revoke after a move-out"),
    _l("%(record)s has moved out: revoke the household's passes."),
)
HANDOFF_KINDS[MOVE_OUT_PASSES.name] = MOVE_OUT_PASSES
# Passes and renovations: an application registered reaches whoever decides it; the decision
# reaches the staff member who registered it (services/handoffs.py: applied, decided).
TO_APPROVE = HandoffKind(
    "handoff_to_approve",
    _l("Application to approve"),
    _l("%(record)s is waiting for your approval."),
)
DECIDED = HandoffKind(
    "handoff_decided",
    _l("Application decided"),
    _l("%(record)s you registered is decided: see its page."),
)
HANDOFF_KINDS.update({kind.name: kind for kind in (TO_APPROVE, DECIDED)})
# A home visit booked (home_visits.agree): the staff member who goes hears of it, as a
# technician of a dispatched order does.
HOME_VISIT_BOOKED = HandoffKind(
    "handoff_home_visit",
    _l("Home visit booked for you"),
    _l("Home visit %(record)s is yours: at the applicant's home at %(deadline)s."),
    sms=True,
)
HANDOFF_KINDS[HOME_VISIT_BOOKED.name] = HOME_VISIT_BOOKED

# A message taken for a staff member who is out (staff_messages/): the person it is for, by
# text too — he is out, which is why it was taken.
MESSAGE_TAKEN = HandoffKind(
    "handoff_message",
    _l("Message taken for you"),
    _l("Message for you: %(record)s"),
    sms=True,
)
HANDOFF_KINDS[MESSAGE_TAKEN.name] = MESSAGE_TAKEN
# ... and whoever took it hears when it is dealt with: the caller may ring the desk again.
MESSAGE_DONE = HandoffKind(
    "handoff_message_done",
    _l("Message you took dealt with"),
    _l("The message you took is dealt with: %(record)s"),
)
HANDOFF_KINDS[MESSAGE_DONE.name] = MESSAGE_DONE


def is_handoff(dedupe_key: str) -> bool:
    return dedupe_key.startswith(f"{PREFIX}:")
