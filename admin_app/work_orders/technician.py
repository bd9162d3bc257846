"""The technician's phone page: my open work orders, and each step of the visit.

The same RecordActions (forms + service verbs) as the admin pages, in a layout for a phone.
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_skeleton
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_timedelta, get_locale
from flask_login import current_user
from sqlalchemy import and_, case
from sqlalchemy.orm import joinedload, selectinload

from admin_app import clock
from admin_app.attachments.operations import may_add
from admin_app.auth.permissions import VIEW, allowed, may
from admin_app.auth.scope import scoped
from admin_app.extensions import db
from admin_app.models import Attachment, WorkOrder, WorkOrderStatus
from admin_app.panel.access import refuse
from admin_app.panel.actions.core import perform, step_form
from admin_app.panel.actions.pages import report
from admin_app.services import workflow
from admin_app.tickets import field_reports
from admin_app.work_orders.actions import WORK_ORDER_ACTIONS
from admin_app.work_orders.operations import WORK_ORDER

bp = Blueprint("tech", __name__, url_prefix="/tech")
S = WorkOrderStatus
ON_MY_LIST = (S.dispatched, S.arrived, S.quoted, S.in_progress, S.next_visit, S.done)
ACTIONS = {a.name: a for a in WORK_ORDER_ACTIONS}
# The steps whose phone page shows more than the form: the quote's lines, the quote agreed
# to, the signature pad.
PHONE_TEMPLATES = {
    "accept_quote": "tech/quote.html",
    "decline_quote": "tech/quote.html",
    "close": "tech/sign.html",
    "quote": "tech/quote_lines.html",
}
# A card's buttons: the order's next step on its path first (arrive, quote, the resident's
# yes, work done, the signature; back for a booked visit), then the other steps, and last
# what takes the order off his list. In the state machine's order "hand back" came first,
# big and yellow, where the thumb lands.
# Damage found at the door is written before the quote [002 篇2 第十三條: before the service,
# noted and confirmed by the customer], so it sits above it; but most visits find none, so
# it is never the one button filled in (OPTIONAL_STEPS).
NEXT_STEPS = ("arrive", "resume", "record_damage", "quote", "accept_quote", "finish", "close")
OPTIONAL_STEPS = ("record_damage",)
OFF_MY_LIST = ("pass_on", "hand_back")
# He is still to come: first dispatched, or a next visit booked. Only then does a card show a
# time to be there by; the emergency's 15 minutes only before the first arrival.
STILL_TO_COME = (S.dispatched, S.next_visit)


@bp.before_request
def technicians_only():
    # Not signed in: to the login page and back; signed in without the right: 403.
    return None if allowed(current_user, "work_order", VIEW) else refuse()


def my_orders_query(open_only: bool = True):
    query = scoped(db.session.query(WorkOrder), WorkOrder, current_user)
    query = query.filter(WorkOrder.technician_id == current_user.id)
    return query.filter(WorkOrder.status.in_(ON_MY_LIST)) if open_only else query


def card_steps(order) -> list:
    names = [
        t.name
        for t in WORK_ORDER.available(order, current_user, scope_known=True)
        if t.name in ACTIONS
    ]
    path, off = len(NEXT_STEPS), len(NEXT_STEPS) + 1
    rank = {
        **{n: i for i, n in enumerate(NEXT_STEPS)},
        **{n: off + i for i, n in enumerate(OFF_MY_LIST)},
    }
    return [ACTIONS[n] for n in sorted(names, key=lambda n: rank.get(n, path))]


def lead_step(steps) -> str | None:
    """The one button filled in: the first step that every visit takes."""
    return next(
        (a.name for a in steps if a.name not in OPTIONAL_STEPS and a.name not in OFF_MY_LIST),
        None,
    )


def arrival_deadline(order) -> datetime | None:
    """When the technician must be at the door, while he is still to come: the emergency's 15
    minutes or the appointment (as the desk's "Technicians late" list), the booked next visit.
    Once he is there, none: the card shows no time to arrive by (orders.html)."""
    if order.status is S.dispatched:
        return order.arrive_by or order.appointment_at
    if order.status is S.next_visit:
        return order.next_visit_at
    return None


def late_by(order, now: datetime) -> str | None:
    """How late he is ("7 hours", "90 minutes"), None when he is not. Counted in minutes up to
    two hours: in hours, an hour and a half late would read "2 hours"."""
    deadline = arrival_deadline(order)
    if deadline is None or deadline >= now:
        return None
    return format_timedelta(now - deadline, granularity="minute", threshold=2)


def card_time(moment: datetime) -> str:
    """A time on a card, read at a glance: 18:47 today; 12月5日 18:47 / Dec 5 18:47 another
    day, the year too in another year (the date in the page's language, CLDR's own order)."""
    today = clock.today()
    time = moment.strftime("%H:%M")  # 24-hour, as everywhere in the panel
    if moment.date() == today:
        return time
    skeleton = "MMMd" if moment.year == today.year else "yMMMd"
    return f"{format_skeleton(skeleton, moment, locale=get_locale())} {time}"


@bp.route("/")
def my_orders():
    orders = (
        my_orders_query()
        # the place each card shows, with the orders (not one query per card)
        .options(joinedload(WorkOrder.unit).lazyload("*"))
        # and each card's photos, with who took them
        .options(selectinload(WorkOrder.attachments).joinedload(Attachment.created_by))
        # and the residents' chases (催单)
        .options(selectinload(WorkOrder.chases))
        .order_by(
            WorkOrder.is_emergency.desc(),
            # An emergency still to be reached before one he has reached already, even one
            # whose 15 minutes ran out earlier: the late one on top, not under the one in hand.
            case((and_(WorkOrder.is_emergency, WorkOrder.status == S.dispatched), 0), else_=1),
            WorkOrder.arrive_by,
            WorkOrder.appointment_at,
            WorkOrder.id,
        )
        .all()
    )
    now = clock.now()
    steps = {o.id: card_steps(o) for o in orders}
    return render_template(
        "tech/orders.html",
        orders=orders,
        steps=steps,
        lead={o.id: lead_step(steps[o.id]) for o in orders},
        late={o.id: late_by(o, now) for o in orders},
        card_time=card_time,
        off_my_list=OFF_MY_LIST,
        still_to_come=STILL_TO_COME,
        first_arrival=S.dispatched,
        next_visit=S.next_visit,
        machine=WORK_ORDER,
        may_attach=lambda order: may_add(current_user, order),
    )


@bp.route("/act/<name>/<int:order_id>", methods=["GET", "POST"])
def act(name, order_id):
    action = ACTIONS.get(name) or abort(404)
    if not may(current_user, f"work_order.{name}"):
        abort(403)
    # A step sent again (a double tap) finds its order off the list: it still answers.
    query = my_orders_query() if request.method == "GET" else my_orders_query(open_only=False)
    order = query.filter(WorkOrder.id == order_id).one_or_none() or abort(404)
    form = step_form(action, [order])
    if request.method == "POST":
        seen = request.form.get("seen", type=int)
        told = WORK_ORDER.overtaken(order, name, seen)
        if told is not None:  # the order's page was shown before someone went first
            flash(told, "warning")
            return redirect(url_for(".my_orders"))
    reason = WORK_ORDER.refusal(order, name, current_user)
    again = getattr(form, "again", False)  # a row added: shown again, not run
    if request.method == "POST" and reason is None and not again and form.validate_on_submit():
        with workflow.as_seen(order, seen):
            done, failed, _, notes = perform(action, [order], current_user, form)
        report(str(WORK_ORDER[name].label), done, failed, notes, name_records=False)
        if done:
            # Back at his card, not the top of the list: its next step is the one he needs.
            return redirect(url_for(".my_orders", _anchor=f"order-{order.id}"))
        db.session.rollback()
        if WORK_ORDER.refusal(order, name, current_user) is not None:
            return redirect(url_for(".my_orders"))  # overtaken meanwhile: said in the flash
    return render_template(
        PHONE_TEMPLATES.get(name, "tech/action.html"),
        order=order,
        action=action,
        form=form,
        reason=reason,
        label=str(WORK_ORDER[name].label),
        seen=workflow.history_mark(order),
    )


@bp.route("/report", methods=["GET", "POST"])
def report_to_desk():
    """A fault or complaint found on the rounds, to the front desk (channel 员工巡查)."""
    return field_reports.page("tech/layout.html", "tech.my_orders")
