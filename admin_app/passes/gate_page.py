"""The guard's gate page (phone-sized): scan or type, see at once whether the pass is valid and
why not, with the photo, name or items; let a large-item release out. Every check is logged.

A handheld scanner types the code into the focused field and presses Enter; phones whose
browser has the BarcodeDetector API get a camera button (static/js/gate-scan.js).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from admin_app import clock, validation
from admin_app.auth.permissions import may
from admin_app.auth.scope import scoped
from admin_app.extensions import db
from admin_app.models import Estate, GateCheck, ReleasePass
from admin_app.panel.access import refuse
from admin_app.panel.forms import CleanForm
from admin_app.panel.saves import saved
from admin_app.passes import gate
from admin_app.passes import operations as passes
from admin_app.services import workflow
from admin_app.services.numbering import format_number
from admin_app.tickets import field_reports

bp = Blueprint("gate", __name__, url_prefix="/gate")
RECENT = 8


class CheckForm(CleanForm):
    code = StringField(validators=[Length(max=2000)])


@bp.before_request
def gate_staff_only():
    # Not signed in: to the login page and back; signed in without the right: 403.
    return None if may(current_user, "gate.check") else refuse()


def gate_estates() -> list[Estate]:
    return scoped(db.session.query(Estate), Estate, current_user).order_by(Estate.name).all()


def current_gate(estates: list[Estate]) -> Estate:
    """The estate whose gate this is: the guard's only one, or the one he chose."""
    if not estates:
        abort(403)
    chosen = session.get("gate_estate_id")
    return next((e for e in estates if e.id == chosen), estates[0])


def logged_check(check_id) -> GateCheck | None:
    check_id = validation.record_id(check_id)
    if check_id is None:
        return None
    query = scoped(db.session.query(GateCheck), GateCheck, current_user)
    return query.filter(GateCheck.id == check_id).one_or_none()


@bp.route("/", methods=["GET", "POST"])
def index():
    estates = gate_estates()
    here = current_gate(estates)
    form = CheckForm()
    if form.validate_on_submit():
        checked = saved(lambda: gate.check(form.code.data, current_user, gate_estate=here))
        if checked:
            # Redirect: reloading the result page must not log the check twice.
            return redirect(url_for(".index", check=checked.result.id))
    entry = logged_check(request.args.get("check"))
    record = gate.pass_of(entry) if entry is not None else None
    can_release = (
        entry is not None
        and entry.is_valid
        and isinstance(record, ReleasePass)
        and passes.RELEASE_PASS.refusal(record, "release", current_user) is None
    )
    recent = (
        db.session.query(GateCheck)
        .filter(GateCheck.estate_id == here.id)
        .order_by(GateCheck.checked_at.desc(), GateCheck.id.desc())
        .limit(RECENT)
        .all()
    )
    return render_template(
        "gate/index.html",
        form=CheckForm(formdata=None),
        estates=estates,
        here=here,
        entry=entry,
        record=record,
        can_release=can_release,
        release_form=FlaskForm(),
        release_seen=workflow.history_mark(record) if can_release else None,
        recent=recent,
        # a pass number as this gate's passes are numbered, for the box's placeholder
        example_number=format_number(here.code, "worker_pass", clock.now().strftime("%y%m"), 3),
    )


@bp.route("/release/<int:check_id>", methods=["POST"])
def release(check_id: int):
    """The guard confirms the items were let out (after a check found the release valid)."""
    entry = logged_check(check_id) or abort(404)
    record = gate.pass_of(entry)
    if not isinstance(record, ReleasePass):
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    # A double tap on "let out": the second is told who let the items out, and when.
    seen = request.form.get("seen", type=int)
    told = passes.RELEASE_PASS.overtaken(record, "release", seen)
    if told is not None:
        flash(told, "warning")
        return redirect(url_for(".index", check=check_id))

    def let_out():
        with workflow.as_seen(record, seen):
            passes.release(record, current_user)

    saved(let_out, lambda _: gettext("%(number)s: let out.", number=record.number))
    return redirect(url_for(".index", check=check_id))


@bp.route("/choose", methods=["POST"])
def choose_gate():
    """Staff of several estates say which gate they stand at."""
    wanted = request.form.get("estate_id", type=int)
    if not FlaskForm().validate_on_submit() or wanted not in {e.id for e in gate_estates()}:
        abort(400)
    session["gate_estate_id"] = wanted
    return redirect(url_for(".index"))


@bp.route("/report", methods=["GET", "POST"])
def report_to_desk():
    """What the guard on duty saw or was told, to the front desk (channel 值班门岗报告)."""
    return field_reports.page("gate/layout.html", "gate.index")
