"""The household's passes and renovations in progress, each cancellable by the resident
through its domain's own verb (passes.cancel, renovations.cancel) with the resident as the
history's actor. Every record is looked up through the household: another's is a 404."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_wtf import FlaskForm
from sqlalchemy import select

from admin_app.extensions import db
from admin_app.models import PassStatus, ReleasePass, Renovation, VehiclePass, WorkerPass
from admin_app.passes import operations as passes
from admin_app.portal.actor import ResidentActor
from admin_app.portal.blueprint import bp
from admin_app.portal.session import current_resident, household_filter, resident_required
from admin_app.renovations import operations as renovations
from admin_app.services.errors import ServiceError

LIVE_PASSES = (PassStatus.applied, PassStatus.approved, PassStatus.suspended)
KINDS = {"vehicle": VehiclePass, "release": ReleasePass, "worker": WorkerPass}


def _household_passes(model, resident):
    if model is WorkerPass:
        theirs = select(Renovation.id).where(household_filter(Renovation.unit_id, resident))
        where = WorkerPass.renovation_id.in_(theirs)
    else:
        where = household_filter(model.unit_id, resident)
    return db.session.query(model).filter(where)


def in_progress(resident) -> dict:
    """What the household has running: passes still usable or awaiting a decision, and
    renovations not finished."""
    found = {
        kind: _household_passes(model, resident)
        .filter(model.status.in_(LIVE_PASSES))
        .order_by(model.id.desc())
        .all()
        for kind, model in KINDS.items()
    }
    found["renovations"] = (
        db.session.query(Renovation)
        .filter(household_filter(Renovation.unit_id, resident))
        .filter(Renovation.status.in_(list(renovations.OPEN)))
        .order_by(Renovation.id.desc())
        .all()
    )
    return found


@bp.route("/passes")
@resident_required
def household_passes():
    return render_template(
        "portal/passes.html",
        found=in_progress(current_resident()),
        form=FlaskForm(),
        can_cancel_pass=lambda p: p.status in (PassStatus.applied, PassStatus.approved),
        can_cancel_renovation=lambda r: r.status in renovations.RESIDENT_MAY_CANCEL,
    )


@bp.route("/passes/<kind>/<int:record_id>/cancel", methods=("POST",))
@resident_required
def cancel_pass(kind: str, record_id: int):
    resident = current_resident()
    if kind == "renovation":
        record = (
            db.session.query(Renovation)
            .filter(Renovation.id == record_id, household_filter(Renovation.unit_id, resident))
            .one_or_none()
        )
    elif kind in KINDS:
        model = KINDS[kind]
        record = _household_passes(model, resident).filter(model.id == record_id).one_or_none()
    else:
        record = None
    if record is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    reason = gettext("Cancelled by the resident")
    try:
        if kind == "renovation":
            renovations.cancel(record, ResidentActor(resident), reason=reason)
        else:
            passes.cancel(record, ResidentActor(resident), reason=reason)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(gettext("%(number)s is cancelled.", number=record.number), "success")
    return redirect(url_for("portal.household_passes"))
