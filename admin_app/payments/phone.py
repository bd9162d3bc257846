"""The technician's money on his phone: what he holds since his last hand-in, the sheet he
hands in, his recent sheets and the receipts he gave."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from admin_app.auth.permissions import VIEW, allowed, may
from admin_app.auth.scope import scoped
from admin_app.extensions import db
from admin_app.models import CashHandIn, Estate
from admin_app.panel.access import refuse
from admin_app.panel.saves import saved
from admin_app.payments import operations as payments

bp = Blueprint("tech_cash", __name__, url_prefix="/tech/cash")
RECENT_SHEETS = 10


@bp.before_request
def collectors_only():
    # Not signed in: to the login page and back; signed in without the right: 403.
    if allowed(current_user, "payment", VIEW) and may(current_user, "cash_hand_in.create"):
        return None
    return refuse()


def _estates() -> list[Estate]:
    return scoped(db.session.query(Estate), Estate, current_user).order_by(Estate.name).all()


@bp.route("/", methods=["GET", "POST"])
def my_cash():
    estates = _estates()
    if request.method == "POST":
        estate = next((e for e in estates if str(e.id) == request.form.get("estate")), None)
        if estate is None:
            abort(404)
        ids = [int(i) for i in request.form.getlist("payment") if i.isdigit()]
        saved(
            lambda: payments.hand_in(
                current_user, collector=current_user, estate_id=estate.id, payment_ids=ids
            ),
            lambda sheet: gettext(
                "Hand-in sheet %(number)s: %(total)s handed in, awaiting finance.",
                number=sheet.number,
                total=f"{sheet.total:.2f}",
            ),
        )
        return redirect(url_for(".my_cash"))
    held = []
    for estate in estates:
        listed = payments.with_orders(payments.held_by(current_user.id, estate.id)).all()
        if listed:
            total = sum(p.amount for p in listed)
            held.append((estate, listed, payments.by_method(listed), total))
    sheets = (
        scoped(db.session.query(CashHandIn), CashHandIn, current_user)
        .filter(CashHandIn.collector_id == current_user.id)
        .order_by(CashHandIn.handed_in_at.desc())
        .limit(RECENT_SHEETS)
        .all()
    )
    return render_template("payments/tech_cash.html", held=held, sheets=sheets)
