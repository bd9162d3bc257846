"""Forms for the home-visit steps (the parameters each verb needs)."""

from __future__ import annotations

from flask_admin.model.fields import AjaxSelectField
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from admin_app.extensions import db
from admin_app.home_visits import operations as home_visits
from admin_app.models import Staff
from admin_app.panel.dates import DateTimeField, now_choice, office_visit_choices
from admin_app.panel.fields import date_within
from admin_app.panel.forms import NOTES, REQUIRED_NOTES, CleanForm
from admin_app.panel.lookups import ScopedAjaxLoader


def _may_visit(query):
    return query.filter(Staff.active.is_(True), Staff.role.in_(home_visits.VISITING_ROLES))


def _name_and_role(staff: Staff) -> str:
    return f"{staff.name} · {staff.role.label}"


# Who goes: the staff lookup of the ticket's assignee (the user's estates, active), narrowed to
# those who make home visits. The booking view serves it (form_ajax_refs) to the agree form.
VISITOR_LOOKUP = ScopedAjaxLoader(
    "visitor",
    db.session,
    Staff,
    fields=("name", "username"),
    placeholder=_l("Search staff"),
    extra_filter=_may_visit,
    label=_name_and_role,
)


class AgreeForm(CleanForm):
    appointment_at = DateTimeField(
        _l("Appointment agreed with the applicant"),
        validators=[InputRequired(), date_within],
        quick=office_visit_choices,
        description=_l("Home visits are made during office hours, on working days."),
    )
    # Blank allowed here so that "none chosen" and "not among the choices" are said in the
    # verb's words, under the field (validate_visitor), not as wtforms' untranslated one.
    visitor = AjaxSelectField(
        VISITOR_LOOKUP,
        _l("Who goes"),
        allow_blank=True,
        description=_l("Told at once in the panel, and reminded an hour before the visit."),
    )
    materials = TextAreaField(
        _l("What the applicant must have ready"),
        validators=NOTES,
        description=_l("Tell everything needed at once, so the applicant need not ask twice."),
    )
    estate_id = None  # the booking's (prepare_agree): the rules below read its calendar

    def validate_appointment_at(self, field):
        if self.estate_id is not None and field.data is not None:
            refused = home_visits.visit_time_refusal(self.estate_id, field.data)
            if refused:
                raise ValidationError(refused)

    def validate_visitor(self, field):
        if field.data is None or self.estate_id is not None:
            refused = home_visits.visitor_refusal(self.estate_id, field.data)
            if refused:
                raise ValidationError(refused)


def prepare_agree(form, records) -> None:
    """The form checks the time and the person against the booking's estate, under the fields."""
    if len(records) == 1:
        form.estate_id = records[0].estate_id


class RefuseForm(CleanForm):
    reason = TextAreaField(_l("Reason given to the applicant"), validators=REQUIRED_NOTES)


class CallOffForm(CleanForm):
    told_whom = StringField(
        _l("Told whom"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("The applicant, or who took the message for them."),
    )
    told_at = DateTimeField(
        _l("Told at"),
        validators=[Optional(), date_within],
        quick=now_choice,
        description=_l("At least 8 hours before the visit; empty means now."),
    )
    reason = TextAreaField(_l("Reason given to the applicant"), validators=REQUIRED_NOTES)


class OutcomeForm(CleanForm):
    notes = TextAreaField(_l("Notes"), validators=NOTES)
