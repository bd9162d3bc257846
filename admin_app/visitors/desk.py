"""Visitors and parcels, one screen at the desk (/visitors/) and on the guard's phone
(/gate/visitors/).

Who: the receptionist at the desk, the guard at the gate. Fewest steps:
- a visitor comes: type name, phone, unit (as people say it: 3-1-601), send — one form;
- a visitor leaves: one tap on "Out" beside the name in the list of those still inside;
- a large parcel arrives: call the resident, then "Sign for a parcel": unit, for whom, what,
  who confirmed on the phone and when (refused without) — one form;
- the resident collects it: "Hand over" beside it, name, signature on the screen, send.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm

from admin_app import clock, validation
from admin_app.auth.permissions import VIEW, allowed, may
from admin_app.auth.scope import scoped
from admin_app.extensions import db
from admin_app.lending import screen as lending_screen
from admin_app.models import Estate, Parcel, Unit, Visitor, VisitPoint
from admin_app.panel.access import refuse
from admin_app.panel.saves import saved
from admin_app.services import unit_reader
from admin_app.services.reminders.channels import mask_phone
from admin_app.visitors import forms
from admin_app.visitors import operations as ops
from admin_app.work_orders.actions import decode_signature

bp = Blueprint("visitors", __name__)
UNIT_CHOICES = 10


def at_gate() -> bool:
    # The gate's copies of the desk's pages (visitors, the lending box) are named gate_….
    return (request.blueprint or "").startswith("gate_")


def here_endpoint(name: str) -> str:
    return f"{request.blueprint}.{name}"


@bp.before_request
def desk_or_gate_staff_only():
    # Not signed in: to the login page and back; signed in without the right: 403.
    return None if may(current_user, "visitor.register") else refuse()


def estates() -> list[Estate]:
    return scoped(db.session.query(Estate), Estate, current_user).order_by(Estate.name).all()


def session_key() -> str:
    # At the gate, the gate the guard chose on the pass-check page.
    return "gate_estate_id" if at_gate() else "desk_estate_id"


def current_estate(choices: list[Estate]) -> Estate:
    if not choices:
        abort(403)
    chosen = session.get(session_key())
    return next((e for e in choices if e.id == chosen), choices[0])


def find_unit(form_field, estate: Estate) -> Unit | None:
    """The unit the text names in this estate; a field error says why when it names none."""
    query = scoped(db.session.query(Unit), Unit, current_user).filter(Unit.estate_id == estate.id)
    found = unit_reader.find(query, form_field.data or "")
    if found.unit is None:
        form_field.errors = [
            *form_field.errors,
            found.message or gettext("No such unit in %(estate)s.", estate=estate.name),
        ]
    return found.unit


def render(template: str, **context):
    return render_template(
        template,
        layout="gate/layout.html" if at_gate() else "visitors/desk_layout.html",
        at_gate=at_gate(),
        ep=here_endpoint,
        mask_phone=mask_phone,
        **context,
    )


def scoped_one(model, record_id):
    record_id = validation.record_id(record_id)
    if record_id is None:
        abort(404)
    query = scoped(db.session.query(model), model, current_user)
    return query.filter(model.id == record_id).one_or_none() or abort(404)


@bp.route("/", methods=["GET", "POST"])
def index():
    choices = estates()
    here = current_estate(choices)
    form = forms.VisitorForm()
    if form.validate_on_submit():
        unit = find_unit(form.unit, here)
        if unit is not None:
            let_in = saved(
                lambda: ops.register_visitor(
                    current_user,
                    estate_id=here.id,
                    unit=unit,
                    name=form.name.data,
                    phone=form.phone.data,
                    host_name=form.host_name.data,
                    plate=form.plate.data,
                    point=VisitPoint.gate if at_gate() else VisitPoint.desk,
                ),
                lambda visitor: gettext("%(name)s is in.", name=visitor.name),
            )
            if let_in:
                # Redirect: reloading the page must not register the visitor twice.
                return redirect(url_for(here_endpoint("index")))
    return render(
        "visitors/index.html",
        form=form,
        estates=choices,
        here=here,
        inside=ops.still_inside(here.id).limit(200).all(),
        parcels=ops.waiting_parcels(here.id).limit(200).all(),
        now=clock.now(),
        out_form=FlaskForm(),
        **lending_screen.on_the_screen(here.id, at_gate=at_gate()),
    )


def one_tap(verb, record, done: str) -> None:
    """A step taken with one tap from the screen's lists (a visitor out, an item back in the
    box): the verb, then its refusal or `done` said on the screen."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    saved(lambda: verb(record, current_user), done, refused_as="warning")


@bp.route("/out/<int:visitor_id>", methods=["POST"])
def sign_out(visitor_id: int):
    visitor = scoped_one(Visitor, visitor_id)
    one_tap(ops.sign_out, visitor, gettext("%(name)s left.", name=visitor.name))
    return redirect(url_for(here_endpoint("index")))


@bp.route("/parcel/new", methods=["GET", "POST"])
def receive_parcel():
    choices = estates()
    here = current_estate(choices)
    form = forms.ParcelForm()
    if request.method == "GET":
        form.confirmed_at.data = clock.now().replace(second=0, microsecond=0)
    unit = None
    # "Show who lives there" and picking one of them send the form back to be shown again,
    # everything typed kept: the guard finds whom to call without JavaScript, nothing signed.
    looking = request.method == "POST" and (
        "show_residents" in request.form or "pick" in request.form
    )
    if looking:
        unit = find_unit(form.unit, here) if form.unit.data else None
    elif form.validate_on_submit():
        unit = find_unit(form.unit, here)
        if unit is not None:
            signed = saved(
                lambda: ops.receive_parcel(
                    current_user,
                    estate_id=here.id,
                    unit=unit,
                    recipient_name=form.recipient_name.data,
                    description=form.description.data,
                    carrier=form.carrier.data,
                    confirmed_by=form.confirmed_by.data,
                    confirmed_at=form.confirmed_at.data,
                ),
                lambda parcel: gettext("%(number)s signed for.", number=parcel.number),
            )
            if signed:
                return redirect(url_for(here_endpoint("index")))
    elif form.unit.data and not form.unit.errors:
        unit = find_unit(form.unit, here)
    residents = ops.residents_to_call(unit) if unit is not None else []
    picked = request.form.get("pick", type=int) if looking else None
    chosen = next((r for r in residents if r.id == picked), None)
    if chosen is not None:
        form.recipient_name.data = chosen.name
    return render(
        "visitors/parcel.html",
        form=form,
        here=here,
        unit=unit,
        residents=residents,
        # Who may read residents sees the number; the gate sees it masked, as every phone
        # it is shown, and calls it with the link.
        whole_phones=allowed(current_user, "resident", VIEW),
    )


@bp.route("/parcel/<int:parcel_id>/hand-over", methods=["GET", "POST"])
def hand_over(parcel_id: int):
    parcel = scoped_one(Parcel, parcel_id)
    form = forms.HandOverForm()
    if request.method == "GET":
        form.collected_by.data = parcel.recipient_name
    if form.validate_on_submit():
        handed = saved(
            lambda: ops.hand_over(
                parcel,
                current_user,
                collected_by=form.collected_by.data,
                signature_png=decode_signature(form.signature.data),
            ),
            lambda _: gettext("%(number)s handed over.", number=parcel.number),
        )
        if handed:
            return redirect(url_for(here_endpoint("index")))
    return render("visitors/hand_over.html", form=form, parcel=parcel)


@bp.route("/choose", methods=["POST"])
def choose():
    """Staff of several estates say which desk or gate they are at."""
    wanted = request.form.get("estate_id", type=int)
    if not FlaskForm().validate_on_submit() or wanted not in {e.id for e in estates()}:
        abort(400)
    session[session_key()] = wanted
    return redirect(url_for(here_endpoint("index")))


@bp.route("/units")
def units():
    """Units of the chosen estate for what is typed (the unit box's suggestions)."""
    here = current_estate(estates())
    term = (request.args.get("q") or "").strip()[:50]
    if not term:
        return jsonify([])
    query = scoped(db.session.query(Unit), Unit, current_user).filter(Unit.estate_id == here.id)
    return jsonify([unit.label for unit in unit_reader.search(query, term, 0, UNIT_CHOICES)])
