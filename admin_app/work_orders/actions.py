"""The work-order actions: how each form reaches its service verb (shared by the admin views
and the technician's phone page)."""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import parse_qsl, urlsplit

from flask import has_request_context, request, url_for
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms.validators import InputRequired

from admin_app import clock, validation
from admin_app.extensions import db
from admin_app.models import DeliveryChannel, Satisfaction, Staff
from admin_app.panel.actions.core import Outcome, RecordAction
from admin_app.panel.forms import ReasonForm
from admin_app.panel.return_links import return_target, safe_return
from admin_app.prices import operations as prices
from admin_app.services.errors import ServiceError
from admin_app.services.reminders import channels as sms_channel
from admin_app.services.reminders import delivery
from admin_app.services.reminders.handoff_kinds import DISPATCHED
from admin_app.work_orders import dispatching, forms
from admin_app.work_orders import operations as work_orders

SIGNATURE_LIMIT = 2 * 1024 * 1024
QUOTE_TEMPLATE = "admin/wuye/quote.html"  # the quote the resident accepts or declines


def decode_signature(data_url: str) -> bytes:
    """The signature pad sends a PNG as a data URL."""
    prefix = "data:image/png;base64,"
    if not data_url or not data_url.startswith(prefix) or len(data_url) > SIGNATURE_LIMIT * 4 // 3:
        raise ServiceError(_l("The signature could not be read; please sign again."))
    try:
        return base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        raise ServiceError(_l("The signature could not be read; please sign again.")) from None


def candidate_label(candidate) -> str:
    technician = candidate.technician
    return str(
        _l(
            "%(name)s (%(trades)s) — %(open)d open orders",
            name=candidate.name,
            trades=", ".join(str(x.label) for x in sorted(technician.trades)),
            open=candidate.open_orders,
        )
    )


def prepare_dispatch(form, orders) -> None:
    """One order: its ranking (dispatching.py), the best first and chosen, each with a button
    that dispatches to him at once. Several: the technicians of their estates and trades."""
    form.ranking = []
    if len(orders) == 1 and has_request_context():  # (a batch chunk runs without one)
        form.ranking = dispatching.ranking(orders[0])
        form.technician.choices = [(c.id, candidate_label(c)) for c in form.ranking]
        picked = request.form.get("pick", type=int) if request.method == "POST" else None
        if picked is not None:  # a ranking row's own button: that technician
            field = form.technician
            field.raw_data, field.data, field.process_errors = [str(picked)], picked, []
        elif not form.is_submitted() and form.ranking:
            form.technician.data = form.ranking[0].id
        if not form.is_submitted() and orders[0].appointment_at is not None:
            form.appointment_at.data = orders[0].appointment_at
        return
    form.for_many = True
    if has_request_context():
        _explain_batch_appointment(form, orders)
    estates = {o.estate_id for o in orders}
    trades = {o.trade for o in orders}
    # A batch chunk only checks that its technician is still one of them: nobody reads the
    # labels, so the others are not read (with their estates and trades) for every 200
    # orders, nor anyone's open orders counted.
    chunk = not has_request_context()
    among = [form.technician.data] if chunk and form.technician.data is not None else None
    candidates = [t for t in work_orders.technicians_for(estates, among=among) if trades & t.trades]
    if chunk:
        form.technician.choices = [(t.id, t.name) for t in candidates]
        return
    load = work_orders.open_workload(t.id for t in candidates)
    form.technician.choices = [
        (t.id, candidate_label(dispatching.Candidate(t.id, t.name, load.get(t.id, 0), t)))
        for t in candidates
    ]


def _explain_batch_appointment(form, orders) -> None:
    """A batch's time is for the orders without one agreed (each other keeps its own): asked
    for when some have none, so that none of them is refused once the batch runs."""
    now = clock.now()
    missing = sum(
        1 for o in orders if not o.is_emergency and work_orders.upcoming_appointment(o, now) is None
    )
    field = form.appointment_at
    if not missing:
        field.description = _l("Each order keeps the time agreed with its resident.")
        return
    field.description = ngettext(
        "%(num)d order has no time agreed yet: it gets this one (the others keep theirs).",
        "%(num)d orders have no time agreed yet: they get this one (the others keep theirs).",
        missing,
    )
    field.validators = [InputRequired(), *field.validators]
    field.flags.required = True


def run_dispatch(order, actor, form):
    # One form serves a whole batch chunk: keep the technician on it, or the session's weak
    # identity map forgets him between orders and loads him again for each one.
    technician = getattr(form, "technician_record", None)
    if technician is None or technician.id != form.technician.data:
        technician = form.technician_record = db.session.get(Staff, form.technician.data)
    appointment_at = form.appointment_at.data
    many = getattr(form, "for_many", False)
    if many and work_orders.upcoming_appointment(order, clock.now()):
        appointment_at = None  # the order's own agreed time stands
    work_orders.dispatch(order, actor, technician=technician, appointment_at=appointment_at)
    return None if many or not has_request_context() else Outcome(note=told_note(technician))


def told_note(technician) -> str:
    """Whom the order went to and how he hears of it: the hand-off's own channels
    (services/handoffs.py, reminders/delivery.py) — the inbox, and SMS where it is set up."""
    channels = {c for c, _ in delivery.outbound_addresses(TOLD_ON_DISPATCH, technician)}
    if DeliveryChannel.sms in channels:
        return gettext(
            "Dispatched to %(name)s: told in the panel and by SMS.", name=technician.name
        )
    if sms_channel.sms_enabled():
        return gettext(
            "Dispatched to %(name)s: told in the panel only (no mobile number on file for an SMS).",
            name=technician.name,
        )
    return gettext("Dispatched to %(name)s: told in the panel.", name=technician.name)


TOLD_ON_DISPATCH = {"rule": DISPATCHED.name, "level": 0}  # the hand-off's reminder, as read


def item_label(item) -> str:
    """An item as the technician picks it: name, price per unit (labour + materials)."""
    price = f"{item.labour_price:.2f}"
    if item.materials_price:
        price += f" + {item.materials_price:.2f}"
    return f"{item.name} · {price} / {item.unit}"


def prepare_quote(form, records) -> None:
    """Each line picks from the estate's price list in force today, grouped by kind: the
    order's own kind first, then the others under their own names (a bare "卫生间 · 80.00"
    under "other items" read as a repair), then "typed"; each option carries its prices for
    the page's script (which fills them in and keeps the total)."""
    form.item_choices = {}
    if len(records) != 1:
        return
    order = records[0]
    items = prices.offered(order)
    groups = {}
    for item in items:
        groups.setdefault(str(item.kind.label), []).append(
            (
                str(item.id),
                item_label(item),
                {
                    "data-labour": f"{item.labour_price:.2f}",
                    "data-materials": f"{item.materials_price or 0:.2f}",
                },
            )
        )
    groups[gettext("Not on the price list")] = [(forms.TYPED, gettext("Typed, with a reason…"), {})]
    form.item_choices = groups
    if request.method == "POST" and request.form.get("add_line"):
        # "Add a line" without the page's script: the page comes back with one row more.
        form.again = True
        if len(form.lines) < forms.MAX_LINES:
            form.lines.append_entry()


def quote_lines(form) -> list:
    """The filled lines of the form as the verb takes them (blank rows left out)."""
    lines = []
    for field in form.lines:
        entry = field.form  # (a FormField's own description and label hide the line's)
        if entry.is_blank():
            continue
        picked = entry.item.data
        item_id = None
        if picked and picked != forms.TYPED:
            # Not a number of an item: no item of this price list (the verb says so).
            item_id = validation.record_id(picked) or 0
        lines.append(
            work_orders.LineInput(
                quantity=entry.quantity.data,
                item_id=item_id,
                labour=entry.labour.data,
                materials=entry.materials.data,
                description=entry.description.data or "",
                reason=entry.reason.data or "",
            )
        )
    return lines


def run_quote(order, actor, form):
    work_orders.quote(order, actor, lines=quote_lines(form))


def prepare_damage(form, records) -> None:
    """What was written already, to correct or complete rather than type again."""
    if len(records) == 1 and not form.is_submitted():
        form.damage.data = records[0].arrival_damage


def run_damage(order, actor, form):
    work_orders.record_damage(order, actor, damage=form.damage.data)


def prepare_close(form, records) -> None:
    """The signing page starts from what the order knows: who asked for the work and the
    total agreed; both stay editable (another member of the household signs, a discount)."""
    if len(records) != 1 or form.is_submitted():
        return
    order = records[0]
    form.signer_name.data = order.contact_name or (order.resident.name if order.resident else None)
    if order.quote_accepted:
        form.fee.data = order.quote_total


def run_close(order, actor, form):
    choice = form.payment.data or None
    work_orders.close_with_signature(
        order,
        actor,
        signer_name=form.signer_name.data,
        signature_png=decode_signature(form.signature.data),
        fee=form.fee.data,
        method=None if choice == forms.PAY_AT_OFFICE else choice,
        pay_at_office=choice == forms.PAY_AT_OFFICE,
        opinion=form.opinion.data,
    )
    payment = order.payment
    if payment is None or payment.number is None:
        return None
    link = Markup('<a href="{}" id="receipt-link">{}</a>').format(
        url_for("payment.receipt_view", id=payment.id), payment.number
    )
    message = gettext("Paid: receipt %(link)s, to print or show the resident.")
    return Outcome(note=escape(message) % {"link": link})


def run_revisit(order, actor, form):
    ratings = {name: int(getattr(form, name).data) for name in work_orders.RATINGS}
    followup = work_orders.mark_revisited(
        order,
        actor,
        ratings=ratings,
        satisfaction=Satisfaction(form.satisfaction.data),
        comment=form.comment.data,
        called_at=form.called_at.data,
    )
    notes = [
        escape(
            gettext("Revisit of %(number)s recorded: the next ones due are below.")
            % {"number": order.number}
        )
    ]
    if followup is not None:
        link = Markup('<a href="{}">{}</a>').format(
            url_for("ticket.details_view", id=followup.id), followup.number
        )
        message = gettext(
            "The resident is unsatisfied: follow-up complaint %(link)s is opened, and the "
            "estate's supervisors are told."
        )
        notes.append(escape(message) % {"link": link})
    return Outcome(url=revisits_due_list(), note=Markup(" ").join(notes))


REVISITS_DUE = "revisits_due"  # the work list (services/worklists.py) of the calls to make


def revisits_due_list() -> str:
    """Where the desk goes on after a revisit: the next call to make. The revisits-due list
    it came from (straight, or through an order's page opened from it), with its own
    filters and search kept; else that list as the dashboard opens it."""
    index = url_for("work_order.index_view")
    back = return_target("url")
    for _ in range(2):  # the list, or the order's page that links back to it
        if back is None:
            break
        parts = urlsplit(back)
        arguments = parse_qsl(parts.query)
        if parts.path == index and any(
            re.fullmatch(r"flt\d+_queue", key) and value == REVISITS_DUE for key, value in arguments
        ):
            return back
        back = safe_return(dict(arguments).get("url"))
    return url_for("work_order.index_view", flt0_queue=REVISITS_DUE)


def prepare_pass_on(form, orders) -> None:
    """The colleagues the order may go to: its estate and trade, ranked, without himself."""
    order = orders[0]
    ranking = dispatching.ranking(order, leave_out=[order.technician_id])
    form.colleague.choices = [(c.id, candidate_label(c)) for c in ranking]
    if not form.is_submitted() and ranking:
        form.colleague.data = ranking[0].id


def run_pass_on(order, actor, form):
    colleague = db.session.get(Staff, form.colleague.data)
    work_orders.pass_on(order, actor, colleague=colleague, reason=form.reason.data)


def prepare_chase(form, orders) -> None:
    """Who usually calls about the order, so logging a chase is one click."""
    order = orders[0]
    if not form.is_submitted():
        form.caller.data = order.contact_name or (order.resident.name if order.resident else "")


def run_chase(order, actor, form):
    work_orders.log_chase(order, actor, caller=form.caller.data, note=form.note.data)


WORK_ORDER_ACTIONS = (
    RecordAction("remind", lambda o, a, f: work_orders.remind(o, a), style="secondary"),
    RecordAction(
        "dispatch",
        run_dispatch,
        forms.DispatchForm,
        prepare=prepare_dispatch,
        chunked=True,
        template="admin/wuye/dispatch.html",
    ),
    RecordAction("arrive", lambda o, a, f: work_orders.arrive(o, a), many=False),
    RecordAction(
        "record_damage",
        run_damage,
        forms.DamageForm,
        prepare=prepare_damage,
        many=False,
        style="secondary",
    ),
    RecordAction(
        "quote",
        run_quote,
        forms.QuoteForm,
        prepare=prepare_quote,
        many=False,
        template="admin/wuye/quote_lines.html",
    ),
    RecordAction(
        "accept_quote",
        lambda o, a, f: work_orders.accept_quote(o, a),
        many=False,
        style="success",
        template=QUOTE_TEMPLATE,
    ),
    RecordAction(
        "decline_quote",
        lambda o, a, f: work_orders.decline_quote(o, a),
        many=False,
        style="warning",
        template=QUOTE_TEMPLATE,
    ),
    RecordAction(
        "book_next_visit",
        lambda o, a, f: work_orders.book_next_visit(
            o, a, next_visit_at=f.next_visit_at.data, notes=f.notes.data
        ),
        forms.NextVisitForm,
        many=False,
    ),
    RecordAction("resume", lambda o, a, f: work_orders.resume(o, a), many=False),
    RecordAction(
        "finish",
        lambda o, a, f: work_orders.finish(o, a, notes=f.notes.data),
        forms.FinishForm,
        many=False,
        style="success",
    ),
    RecordAction(
        "rework",
        lambda o, a, f: work_orders.rework(o, a, notes=f.notes.data),
        forms.ReworkForm,
        many=False,
        style="warning",
    ),
    RecordAction(
        "close",
        run_close,
        forms.SignatureForm,
        prepare=prepare_close,
        many=False,
        style="success",
        template="admin/wuye/sign.html",
    ),
    RecordAction("revisit", run_revisit, forms.RevisitForm, many=False),
    RecordAction(
        "hand_back",
        lambda o, a, f: work_orders.hand_back(o, a, reason=f.reason.data),
        ReasonForm,
        many=False,
        style="warning",
    ),
    RecordAction(
        "pass_on",
        run_pass_on,
        forms.PassOnForm,
        prepare=prepare_pass_on,
        many=False,
        style="warning",
    ),
    RecordAction(
        "chase", run_chase, forms.ChaseForm, prepare=prepare_chase, many=False, style="secondary"
    ),
    RecordAction(
        "cancel",
        lambda o, a, f: work_orders.cancel(o, a, reason=f.reason.data),
        ReasonForm,
        style="danger",
    ),
)
