"""Signing in and out of the residents' pages, and their home page."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext

from admin_app import validation
from admin_app.extensions import db
from admin_app.models.resident import Resident
from admin_app.panel.return_links import safe_return
from admin_app.portal import codes
from admin_app.portal.blueprint import bp
from admin_app.portal.forms import CodeForm, HouseholdForm, PhoneForm
from admin_app.portal.session import (
    current_resident,
    resident_required,
    sign_in_resident,
    sign_out_resident,
)

# The households a verified phone may choose from, until it chooses (ids, in the session).
CHOICES_KEY = "portal_choices"


@bp.context_processor
def portal_context():
    # How long after the appointment's start the technician may arrive (the window shown).
    window = timedelta(minutes=int(current_app.config.get("PORTAL_ARRIVAL_WINDOW_MINUTES", 120)))
    return {"resident": current_resident(), "arrival_window": window}


def next_page() -> str:
    target = safe_return(request.values.get("next"))
    return target if target and target.startswith("/r/") else url_for("portal.home")


@bp.route("/sign-in", methods=("GET", "POST"))
def sign_in():
    if current_resident() is not None:
        return redirect(next_page())
    form = PhoneForm()
    if form.validate_on_submit():
        phone = validation.normalise_phone(form.phone.data)
        if not validation.is_mobile(phone):
            form.phone.errors.append(gettext("Enter an 11-digit mobile phone number."))
        else:
            codes.request_code(phone)
            code_form = CodeForm(formdata=None, phone=phone)
            return render_template(
                "portal/code.html", form=code_form, phone=phone, next=next_page()
            )
    return render_template("portal/sign_in.html", form=form, next=next_page())


@bp.route("/sign-in/code", methods=("POST",))
def enter_code():
    form = CodeForm()
    phone = validation.normalise_phone(form.phone.data)
    if not validation.is_mobile(phone):
        return redirect(url_for("portal.sign_in"))
    if form.validate_on_submit():
        if codes.use_code(phone, form.code.data):
            residents = codes.living_residents(phone)
            if len(residents) == 1:
                sign_in_resident(residents[0])
                return redirect(next_page())
            if residents:
                session[CHOICES_KEY] = [resident.id for resident in residents]
                return redirect(url_for("portal.choose_household", next=next_page()))
        form.code.errors.append(
            gettext("This code is not right or no longer valid. Ask for a new code.")
        )
    status = 400 if request.method == "POST" else 200
    return (
        render_template("portal/code.html", form=form, phone=phone, next=next_page()),
        status,
    )


@bp.route("/sign-in/home", methods=("GET", "POST"))
def choose_household():
    """One phone, several homes (an owner of two flats; a parent in both): the resident picks
    which home's records to see; signing in again switches."""
    chosen = session.get(CHOICES_KEY)
    if not isinstance(chosen, list) or not chosen:
        return redirect(url_for("portal.sign_in"))
    residents = db.session.query(Resident).filter(Resident.id.in_(chosen)).all()
    form = HouseholdForm()
    form.resident.choices = [(r.id, f"{r.estate.name} {r.unit.label}") for r in residents]
    if form.validate_on_submit():
        picked = next((r for r in residents if r.id == form.resident.data), None)
        if picked is None:
            abort(400)
        session.pop(CHOICES_KEY, None)
        sign_in_resident(picked)
        return redirect(next_page())
    return render_template("portal/choose.html", form=form, next=next_page())


@bp.route("/sign-out", methods=("POST",))
def sign_out():
    sign_out_resident()
    session.pop(CHOICES_KEY, None)
    return redirect(url_for("portal.sign_in"))


@bp.route("/")
@resident_required
def home():
    return render_template("portal/home.html")
