"""The lending box on the desk's and the gate's visitors screen (/visitors/, /gate/visitors/).

Who: the guard at the gate, the receptionist at the desk. Fewest steps:
- a resident asks for the trolley: "Lend" beside it on the screen (the item chosen), the unit
  as people say it, the name, a phone if given, send — one form;
- it comes back: one tap on "Back" beside it in the list of what is lent out; a tap on the
  wrong line is undone from the "just back" line under it, for a few minutes.
The screen shows each item with how many are in the box, and the late ones marked.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from admin_app.auth.permissions import may
from admin_app.lending import forms
from admin_app.lending import operations as ops
from admin_app.models import Loan
from admin_app.panel.access import refuse
from admin_app.panel.saves import saved
from admin_app.visitors import desk

bp = Blueprint("box", __name__)


def screen() -> str:
    """The visitors screen this page belongs to: the gate's or the desk's."""
    return url_for("gate_visitors.index" if desk.at_gate() else "visitors.index")


@bp.before_request
def desk_or_gate_staff_only():
    # Not signed in: to the login page and back; signed in without the right: 403.
    return None if may(current_user, "loan.lend") else refuse()


@bp.route("/lend", methods=["GET", "POST"])
def lend():
    here = desk.current_estate(desk.estates())
    in_box = ops.box(here.id)
    form = forms.LendForm()
    # Every item the box offers; one with none left is shown so, and refused by the verb
    # with its reason if sent from a page opened before the last one went.
    form.item.choices = [(entry.item.id, entry.item.name) for entry in in_box]
    if request.method == "GET":
        form.item.data = request.args.get("item", type=int)
    if form.validate_on_submit():
        unit = desk.find_unit(form.unit, here)
        item = next((e.item for e in in_box if e.item.id == form.item.data), None)
        if unit is not None:
            lent = saved(
                lambda: ops.lend(
                    current_user,
                    item=item,
                    unit=unit,
                    borrower_name=form.borrower_name.data,
                    phone=form.phone.data,
                ),
                lambda loan: gettext(
                    "%(item)s lent to %(name)s, back by %(time)s.",
                    item=loan.item.name,
                    name=loan.borrower_name,
                    time=loan.due_at.strftime("%m-%d %H:%M"),
                ),
            )
            if lent:
                return redirect(screen())
    return desk.render(
        "lending/lend.html",
        form=form,
        here=here,
        in_box=in_box,
        back_url=screen(),
        units_url=url_for("gate_visitors.units" if desk.at_gate() else "visitors.units"),
    )


@bp.route("/back/<int:loan_id>/undo", methods=["POST"])
def undo_take_back(loan_id: int):
    loan = desk.scoped_one(Loan, loan_id)
    desk.one_tap(
        ops.undo_take_back, loan, gettext("%(item)s is lent out again.", item=loan.item.name)
    )
    return redirect(screen())


@bp.route("/back/<int:loan_id>", methods=["POST"])
def take_back(loan_id: int):
    loan = desk.scoped_one(Loan, loan_id)
    desk.one_tap(ops.take_back, loan, gettext("%(item)s is back in the box.", item=loan.item.name))
    return redirect(screen())
