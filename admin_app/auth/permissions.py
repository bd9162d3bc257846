"""The one table of role permissions: for each resource, which roles may do which verbs.

Views, actions, exports and ajax endpoints all ask `allowed(user, resource, verb)`; changing a
role's rights is a change to this table only.
"""

from __future__ import annotations

from admin_app.models.staff import Role

VIEW, CREATE, EDIT, DELETE, EXPORT = "view", "create", "edit", "delete", "export"
CRUD_VERBS = (VIEW, CREATE, EDIT, DELETE, EXPORT)

ALL = frozenset(CRUD_VERBS)
READ = frozenset({VIEW})
READ_EXPORT = frozenset({VIEW, EXPORT})
WRITE = frozenset({VIEW, CREATE, EDIT})
WRITE_EXPORT = frozenset({VIEW, CREATE, EDIT, EXPORT})

R = Role

PERMISSIONS: dict[str, dict[Role, frozenset[str]]] = {
    "estate": {R.admin: ALL, R.director: READ_EXPORT, R.supervisor: READ, R.receptionist: READ},
    "staff": {R.admin: ALL, R.director: READ, R.supervisor: READ},
    "unit": {
        R.admin: ALL,
        R.director: WRITE_EXPORT,
        R.supervisor: WRITE_EXPORT,
        R.receptionist: WRITE,
        R.technician: READ,
        R.guard: READ,
    },
    "resident": {
        R.admin: ALL,
        R.director: ALL,
        R.supervisor: ALL,
        R.receptionist: WRITE,
    },
    "ticket": {
        R.admin: ALL,
        R.director: WRITE_EXPORT,
        R.supervisor: ALL,
        R.receptionist: WRITE,
    },
    "work_order": {
        R.admin: ALL,
        R.director: WRITE_EXPORT,
        R.supervisor: ALL,
        R.receptionist: WRITE,
        R.technician: READ,
    },
    # The estate's price list (收费标准): supervisors keep it, the desk and technicians read it.
    "price_item": {
        R.admin: ALL,
        R.director: ALL,
        R.supervisor: ALL,
        R.receptionist: READ,
        R.technician: READ,
    },
    "worker_pass": {
        R.admin: ALL,
        R.director: READ_EXPORT,
        R.supervisor: ALL,
        R.receptionist: WRITE,
        R.guard: READ,
    },
    "vehicle_pass": {
        R.admin: ALL,
        R.director: READ_EXPORT,
        R.supervisor: ALL,
        R.receptionist: WRITE,
        R.guard: READ,
    },
    "release_pass": {
        R.admin: ALL,
        R.director: READ_EXPORT,
        R.supervisor: ALL,
        R.receptionist: WRITE,
        R.guard: READ,
    },
    "renovation": {
        R.admin: ALL,
        R.director: READ_EXPORT,
        R.supervisor: ALL,
        R.receptionist: WRITE,
        R.guard: READ,
        R.technician: READ,
    },
    "renovation_inspection": {
        R.admin: ALL,
        R.director: READ_EXPORT,
        R.supervisor: ALL,
        R.receptionist: WRITE,
        R.guard: frozenset({VIEW, CREATE}),
        R.technician: frozenset({VIEW, CREATE}),
    },
    # Fees and their receipts: made by the verbs (closing, paying at the desk), never typed.
    "payment": {
        R.admin: READ_EXPORT,
        R.director: READ_EXPORT,
        R.supervisor: READ_EXPORT,
        R.receptionist: READ,
        R.technician: READ,
    },
    "cash_hand_in": {
        R.admin: READ_EXPORT,
        R.director: READ_EXPORT,
        R.supervisor: READ_EXPORT,
        R.receptionist: READ,
        R.technician: READ,
    },
    # The daily cash table of an estate (who collected, handed in, still holds how much).
    "cash_report": {
        R.admin: READ_EXPORT,
        R.director: READ_EXPORT,
        R.supervisor: READ_EXPORT,
        R.receptionist: READ,
    },
    "gate_check": {
        R.admin: READ_EXPORT,
        R.director: READ_EXPORT,
        R.supervisor: READ_EXPORT,
        R.guard: READ,
    },
    # An estate's departments: set up by supervisors, read by the desk.
    "department": {
        R.admin: ALL,
        R.director: WRITE_EXPORT,
        R.supervisor: WRITE_EXPORT,
        R.receptionist: READ,
    },
    "corrective_action": {
        R.admin: READ_EXPORT,
        R.director: READ_EXPORT,
        R.supervisor: READ_EXPORT,
        R.receptionist: READ,
    },
    "audit_record": {R.admin: READ_EXPORT, R.director: READ_EXPORT, R.supervisor: READ_EXPORT},
    # The record of every resident import (the import itself is the ACTIONS entry below).
    "import_batch": {R.admin: READ, R.director: READ, R.supervisor: READ},
    "reminder": {R.admin: READ, R.director: READ, R.supervisor: READ},
    # The yearly satisfaction survey: supervisors set it up, the desk takes answers by phone.
    "survey": {
        R.admin: READ_EXPORT,
        R.director: READ_EXPORT,
        R.supervisor: READ_EXPORT,
        R.receptionist: READ,
    },
    "statistics": {R.admin: READ_EXPORT, R.director: READ_EXPORT, R.supervisor: READ_EXPORT},
    "action_batch": {R.admin: READ_EXPORT, R.director: READ_EXPORT, R.supervisor: READ_EXPORT},
    # Every message sent or tried, with its failures.
    "reminder_delivery": {R.admin: READ, R.director: READ, R.supervisor: READ},
    # Each person's own inbox: everyone has one.
    "inbox": {role: READ for role in Role},
    # RQ's failed jobs (they may carry any record's ids): administrators only.
    "failed_job": {R.admin: READ},
    # The duty rota and logs of one's estates: everyone may be on duty (duty/).
    "duty_shift": {role: READ for role in Role},
    # An estate's working-day calendar: supervisors keep it, everyone at the desk reads it.
    "workday_override": {
        R.admin: ALL,
        R.director: READ_EXPORT,
        R.supervisor: ALL,
        R.receptionist: READ,
    },
    # Home-visit bookings (上门服务预约): the desk takes and answers them.
    "home_visit_booking": {
        R.admin: ALL,
        R.director: READ_EXPORT,
        R.supervisor: WRITE_EXPORT,
        R.receptionist: WRITE,
    },
    # Move-in (入伙) and move-out: the front desk walks the households through their steps.
    "move_in": {R.admin: READ, R.director: READ, R.supervisor: READ, R.receptionist: READ},
    # The visitor register and the parcels signed for (personal data: no export).
    "visitor": {
        role: READ for role in (R.admin, R.director, R.supervisor, R.receptionist, R.guard)
    },
    "parcel": {role: READ for role in (R.admin, R.director, R.supervisor, R.receptionist, R.guard)},
    # Messages taken for a staff member who is out: whoever answers the phone takes them, and
    # everyone reads those for them (a technician or guard only his own: the view's scope).
    "staff_message": {
        R.admin: ALL,
        R.director: frozenset({VIEW, CREATE}),
        R.supervisor: frozenset({VIEW, CREATE}),
        R.receptionist: frozenset({VIEW, CREATE}),
        R.guard: frozenset({VIEW, CREATE}),
        R.technician: READ,
    },
    # The gate's lending box: supervisors keep what it holds; its loans are written on the
    # visitors screen (a borrower's name and phone: no export).
    "box_item": {
        R.admin: ALL,
        R.director: READ,
        R.supervisor: WRITE,
        R.receptionist: READ,
        R.guard: READ,
    },
    "loan": {role: READ for role in (R.admin, R.director, R.supervisor, R.receptionist, R.guard)},
}

# Named actions beyond CRUD: the workflow verbs, as "<resource>.<action>".
FRONT_DESK = frozenset({R.receptionist, R.supervisor, R.director, R.admin})
SUPERVISORS = frozenset({R.supervisor, R.director, R.admin})
FIELD = frozenset({R.technician, R.supervisor, R.admin})
# Passes and renovations: the front desk takes applications, supervisors decide, guards check.
ISSUERS = frozenset({R.receptionist, R.supervisor, R.admin})
APPROVERS = frozenset({R.supervisor, R.admin})
GATE = frozenset({R.guard, R.supervisor, R.admin})
INSPECTORS = frozenset({R.receptionist, R.guard, R.technician, R.supervisor, R.admin})
# Finance (财务) confirms what was handed in: supervisors, as the offices have no finance role.
FINANCE = SUPERVISORS
PASS_ACTIONS = {"approve": APPROVERS, "reject": APPROVERS, "revoke": APPROVERS, "reissue": ISSUERS}

ACTIONS: dict[str, frozenset[Role]] = {
    "ticket.start": FRONT_DESK,
    "ticket.assign": SUPERVISORS,
    "ticket.answer": FRONT_DESK,
    "ticket.promise_callback": FRONT_DESK,
    # Passed up to the supervisors: whoever is one (or above) takes it over instead.
    "ticket.escalate": frozenset({R.receptionist, R.admin}),
    "ticket.create_work_order": FRONT_DESK,
    "ticket.resolve": FRONT_DESK,
    "ticket.close": FRONT_DESK,
    "ticket.cancel": SUPERVISORS,
    "ticket.record_after_the_fact": FRONT_DESK,
    # The written result of a call the company forwarded, sent back to it (001 四(二)1③).
    "ticket.report_to_company": FRONT_DESK,
    "ticket.classify": SUPERVISORS,
    "ticket.record_handling": SUPERVISORS,
    "ticket.report_back": SUPERVISORS,
    "ticket.revisit_complaint": FRONT_DESK,
    "ticket.reopen_complaint": FRONT_DESK,
    # Only the director ends a complaint the resident is still unsatisfied with.
    "ticket.close_complaint": frozenset({R.director, R.admin}),
    "ticket.add_action": SUPERVISORS,
    # The department reports it done to the desk; the service centre checks it.
    "corrective_action.mark_done": FRONT_DESK,
    "corrective_action.verify": FRONT_DESK,
    "work_order.dispatch": FRONT_DESK,
    "work_order.cancel": FRONT_DESK,
    "work_order.arrive": FIELD,
    "work_order.hand_back": FIELD,
    "work_order.record_damage": FIELD,
    "work_order.quote": FIELD,
    "work_order.accept_quote": FIELD,
    "work_order.decline_quote": FIELD,
    "work_order.book_next_visit": FIELD,
    "work_order.resume": FIELD,
    "work_order.finish": FIELD,
    "work_order.rework": FIELD,
    "work_order.close": FIELD | {R.receptionist},
    "work_order.revisit": FRONT_DESK,
    "payment.pay_at_desk": FRONT_DESK,
    "payment.request_invoice": FRONT_DESK | {R.technician},
    "payment.issue_invoice": FRONT_DESK,
    # A collector hands in his own money (a technician on his phone) or the desk writes the
    # sheet for him; finance confirms what it counted.
    "cash_hand_in.create": FRONT_DESK | {R.technician},
    "cash_hand_in.confirm": FINANCE,
    # Running one step over many records at once (ticked rows or a whole filter).
    "ticket.batch": SUPERVISORS,
    "work_order.batch": SUPERVISORS,
    "failed_job.requeue": frozenset({R.admin}),
    "failed_job.delete": frozenset({R.admin}),
    **{f"worker_pass.{name}": roles for name, roles in PASS_ACTIONS.items()},
    "worker_pass.renew": ISSUERS,
    **{f"vehicle_pass.{name}": roles for name, roles in PASS_ACTIONS.items()},
    "vehicle_pass.renew": ISSUERS,
    **{f"release_pass.{name}": roles for name, roles in PASS_ACTIONS.items()},
    "release_pass.confirm_owner": ISSUERS,
    "release_pass.release": GATE,
    # The applicant withdraws a pass (portal/passes.py), or the desk does it for them.
    **{f"{kind}.cancel": ISSUERS for kind in ("worker_pass", "vehicle_pass", "release_pass")},
    "gate.check": GATE,
    "renovation.request_rectification": APPROVERS,
    "renovation.resubmit": ISSUERS,
    "renovation.issue_permit": APPROVERS,
    "renovation.start_work": ISSUERS,
    "renovation.patrol": INSPECTORS,
    "renovation.stop_work": INSPECTORS,
    "renovation.lift_stop": APPROVERS,
    "renovation.request_completion": ISSUERS,
    "renovation.accept": FIELD,
    "renovation.fail": FIELD,
    "renovation.cancel": APPROVERS,
    "renovation.refund_deposit": APPROVERS,
    "worker_pass.batch": SUPERVISORS,
    "vehicle_pass.batch": SUPERVISORS,
    "release_pass.batch": SUPERVISORS,
    "renovation.batch": SUPERVISORS,
    # "Send a reminder now" to whoever handles the record.
    **{
        f"{resource}.remind": SUPERVISORS
        for resource in (
            "ticket",
            "work_order",
            "worker_pass",
            "vehicle_pass",
            "release_pass",
            "renovation",
        )
    },
    # The full ID number, on a record's page or in an export; every time is recorded.
    **{
        f"{resource}.{verb}": SUPERVISORS
        for resource in ("resident", "worker_pass")
        for verb in ("show_id_number", "export_id_number")
    },
    # Photos and PDFs on a record: whoever works on it adds them; a supervisor removes any
    # (whoever added one may take it back: attachments/operations.py).
    "ticket.attach": FRONT_DESK,
    "work_order.attach": FRONT_DESK | FIELD,
    "renovation.attach": FRONT_DESK | INSPECTORS,
    "renovation_inspection.attach": INSPECTORS | {R.director},
    **{
        f"{resource}.remove_attachment": SUPERVISORS
        for resource in ("ticket", "work_order", "renovation", "renovation_inspection")
    },
    "survey.create": SUPERVISORS,
    "survey.send_links": SUPERVISORS,
    "survey.enter": FRONT_DESK,
    # Upload, check and commit resident lists (in the user's own estates).
    "resident.import": frozenset({R.receptionist, R.supervisor, R.director, R.admin}),
    # Duty (duty/): supervisors plan the rota and decide swaps; whoever is on duty keeps the
    # log, hands over and asks to swap (the verbs check it is their own shift).
    "duty_shift.plan": SUPERVISORS,
    "duty_shift.write_log": frozenset(Role),
    "duty_shift.hand_over": frozenset(Role),
    "duty_shift.acknowledge": frozenset(Role),
    "duty_swap.request": frozenset(Role),
    "duty_swap.approve": SUPERVISORS,
    "duty_swap.refuse": SUPERVISORS,
    # Dispatch (work_orders/dispatching.py): the technician passes his own order to a
    # colleague; the desk logs a resident's chase (催单); technicians and guards report what
    # they find from their phone pages, as tickets the desk then handles.
    "work_order.pass_on": frozenset({R.technician}),
    "work_order.chase": FRONT_DESK,
    "ticket.report_from_field": frozenset({R.technician, R.guard}),
    "home_visit_booking.agree": FRONT_DESK,
    "home_visit_booking.refuse": FRONT_DESK,
    "home_visit_booking.call_off": FRONT_DESK,
    "home_visit_booking.abandon": FRONT_DESK,
    "home_visit_booking.visit": FRONT_DESK,
    # The household archive (archive/): the desk files and opens documents (an ID copy only
    # with resident.show_id_number); supervisors read who opened them.
    "household_document.add": FRONT_DESK,
    "household_document.open": FRONT_DESK,
    "household_document.see_openings": SUPERVISORS,
    # Large-item release slips: everyone who approves them in some estate; the estate's
    # setting (passes/operations.py: release_approvers) decides for each slip.
    "release_pass.approve": ISSUERS,
    "release_pass.reject": ISSUERS,
    # An estate's settings (views/estate_settings.py).
    "estate.change_settings": APPROVERS,
    # Move-in: every step at the front desk; a supervisor cancels; fees through payments.
    **{
        f"move_in.{name}": FRONT_DESK
        for name in (
            "start",
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
            "attach",
            "move_out",
        )
    },
    "move_in.cancel": SUPERVISORS,
    "move_in.remove_attachment": SUPERVISORS,
    "payment.take_move_in_fees": FRONT_DESK,
    # Visitors and parcels: whoever stands at the desk or the gate.
    **{action: FRONT_DESK | GATE for action in ("visitor.register", "visitor.sign_out")},
    **{action: FRONT_DESK | GATE for action in ("parcel.receive", "parcel.hand_over")},
    "staff_message.take": FRONT_DESK | GATE,
    **{action: FRONT_DESK | GATE for action in ("loan.lend", "loan.take_back")},
    # Done by the person it is for; a supervisor may close one for someone who has left.
    "staff_message.done": frozenset(Role),
}


def _role(user) -> Role | None:
    """The role of an active, logged-in user, else None. (The request's current_user is a
    proxy: resolved once here, not on every attribute — menus and lists ask many times.)"""
    if user is None:
        return None
    user = getattr(user, "_get_current_object", lambda: user)()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role


def allowed(user, resource: str, verb: str) -> bool:
    role = _role(user)
    return role is not None and verb in PERMISSIONS.get(resource, {}).get(role, frozenset())


def may(user, action_name: str) -> bool:
    role = _role(user)
    return role is not None and role in ACTIONS.get(action_name, frozenset())


# A resident on the residents' own pages (admin_app/portal/actor.py): not a staff role, never a
# login; the few verbs the residents' pages call on the resident's own household's records.
RESIDENT = "resident"
for _action in (
    "work_order.accept_quote",
    "work_order.decline_quote",
    "ticket.attach",
    # A repair reported online becomes its work order at once, as at the desk (take_call).
    "ticket.create_work_order",
):
    ACTIONS[_action] = ACTIONS[_action] | {RESIDENT}
# The resident rates finished work (recorded as the revisit, portal/rating.py) and withdraws
# the household's passes and renovations (portal/passes.py; a renovation only before work).
for _action in (
    "work_order.revisit",
    "worker_pass.cancel",
    "vehicle_pass.cancel",
    "release_pass.cancel",
    "renovation.cancel",
):
    ACTIONS[_action] = ACTIONS[_action] | {RESIDENT}
# A repair call follows its last work order as that ends (tickets/following.py), whoever ends
# it: the technician's signature, the desk's cancellation, the resident declining the quote.
ACTIONS["ticket.follow_work_orders"] = (
    ACTIONS["work_order.close"] | ACTIONS["work_order.cancel"] | ACTIONS["work_order.decline_quote"]
)
# …and closes once its last order is revisited (tickets/following.py), whoever records the
# revisit: the desk's call, or the resident's own rating online.
ACTIONS["ticket.close_after_revisit"] = ACTIONS["work_order.revisit"]
# Integrations' tokens for /api/v1 (admin_app/api/): admins only; revoked, never deleted (the
# call log keeps naming them).
PERMISSIONS["api_token"] = {R.admin: frozenset({VIEW, CREATE, EDIT})}
ACTIONS["api_token.revoke"] = frozenset({R.admin})
