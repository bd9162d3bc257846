"""The resident rates finished work: the same four ratings and overall judgement as the
revisit call, recorded AS the revisit (work_orders.mark_revisited, channel "online"), so the
desk's revisit list no longer shows the order; households that did not rate still get a call.
Signed in (/r/rate/…) or by the text's one-purpose link (portal/links.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    LinkPurpose,
    PurposeLink,
    RevisitChannel,
    Satisfaction,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.portal.actor import ResidentActor
from admin_app.portal.blueprint import bp
from admin_app.portal.session import current_resident, household_filter, resident_required
from admin_app.services.errors import ServiceError
from admin_app.work_orders import operations as work_orders
from admin_app.work_orders.forms import RevisitForm

LISTED = 20


class RatingForm(RevisitForm):
    """The revisit's form without the call's time, worded for the resident."""

    called_at = None
    comment = TextAreaField(
        _l("Anything you would like to tell us"), validators=[Optional(), Length(max=2000)]
    )


def to_rate(resident) -> list[WorkOrder]:
    """The household's orders closed and not yet revisited, newest first."""
    return (
        db.session.query(WorkOrder)
        .filter(household_filter(WorkOrder.unit_id, resident))
        .filter(WorkOrder.status == WorkOrderStatus.closed)
        .order_by(WorkOrder.closed_at.desc(), WorkOrder.id.desc())
        .limit(LISTED)
        .all()
    )


def rate(order: WorkOrder, resident, form: RatingForm):
    """Map the form to the revisit verb; every open rating link of the order is spent with it
    (the text's link then says it was used)."""
    followup = work_orders.mark_revisited(
        order,
        ResidentActor(resident),
        ratings={name: int(getattr(form, name).data) for name in work_orders.RATINGS},
        satisfaction=Satisfaction(form.satisfaction.data),
        comment=form.comment.data,
        channel=RevisitChannel.online,
    )
    db.session.execute(
        update(PurposeLink)
        .where(
            PurposeLink.purpose == LinkPurpose.rate,
            PurposeLink.record_id == order.id,
            PurposeLink.used_at.is_(None),
        )
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return followup


def thanks(followup) -> str:
    if followup is not None:
        return gettext(
            "Thank you. We are sorry the work did not satisfy you: a supervisor will contact "
            "you about it."
        )
    return gettext("Thank you: your rating is recorded.")


@bp.route("/rate/")
@resident_required
def ratings():
    return render_template("portal/rate_list.html", orders=to_rate(current_resident()))


@bp.route("/rate/<int:order_id>", methods=("GET", "POST"))
@resident_required
def rate_order(order_id: int):
    resident = current_resident()
    order = (
        db.session.query(WorkOrder)
        .filter(WorkOrder.id == order_id, household_filter(WorkOrder.unit_id, resident))
        .one_or_none()
    )
    if order is None:  # another household's is not found, as one that does not exist
        abort(404)
    if order.status is not WorkOrderStatus.closed:
        # Not finished yet, or rated (or called about) already: nothing to rate.
        flash(gettext("There is nothing to rate for this order."), "info")
        return redirect(url_for("portal.ratings"))
    form = RatingForm()
    if form.validate_on_submit():
        try:
            followup = rate(order, resident, form)
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(thanks(followup), "success")
            return redirect(url_for("portal.ratings"))
    return render_template("portal/rate.html", order=order, form=form, action=None)
