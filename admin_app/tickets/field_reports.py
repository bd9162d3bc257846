"""A technician on his rounds or a guard at the gate reports a fault, a complaint or a request
from his phone: estate (when he has several), what kind, where, what he found — one form, one
tap. It becomes a ticket the front desk handles as any other (tickets.report_from_field).
Served on both phone pages: /tech/report and /gate/report."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from admin_app.auth.permissions import may
from admin_app.auth.scope import scoped
from admin_app.extensions import db
from admin_app.models import Estate, TicketCategory
from admin_app.panel.forms import TEXT, CleanForm
from admin_app.panel.saves import saved
from admin_app.tickets import operations as tickets

C = TicketCategory
KINDS = (
    (C.repair.value, _l("Something to repair")),
    (C.complaint.value, _l("A resident's complaint")),
    (C.help.value, _l("Someone needs help")),
    (C.suggestion.value, _l("A suggestion")),
)


class FieldReportForm(CleanForm):
    estate = SelectField(_l("Estate"), coerce=int, validators=[InputRequired()])
    category = RadioField(
        _l("What is it"), choices=KINDS, default=C.repair.value, validators=[InputRequired()]
    )
    location = StringField(_l("Where"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("What you found"), validators=TEXT)
    urgent = BooleanField(_l("Urgent (leak, power loss, safety)"))


def page(template_layout: str, home_endpoint: str):
    """The report form on a phone page; saved, back to the page's home with the number."""
    if not may(current_user, "ticket.report_from_field"):
        abort(403)
    estates = scoped(db.session.query(Estate), Estate, current_user).order_by(Estate.name).all()
    form = FieldReportForm()
    form.estate.choices = [(e.id, e.name) for e in estates]
    if not form.is_submitted() and estates:
        form.estate.data = estates[0].id
    if form.validate_on_submit():
        reported = saved(
            lambda: tickets.report_from_field(
                current_user,
                estate_id=form.estate.data,
                category=C(form.category.data),
                location=form.location.data,
                description=form.description.data,
                urgent=bool(form.urgent.data),
            ),
            lambda ticket: gettext(
                "Reported as ticket %(number)s: the front desk takes it up.", number=ticket.number
            ),
        )
        if reported:
            return redirect(url_for(home_endpoint))
    return render_template(
        "phone/report.html",
        layout=template_layout,
        form=form,
        one_estate=len(estates) == 1,
        home=url_for(home_endpoint),
    )
