"""Forms for the ticket and complaint steps (the parameters each verb needs)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from admin_app.models import ComplaintCode, Severity, TicketCategory, Validity, WorkOrderKind
from admin_app.models.staff import Trade
from admin_app.models.work_order import Satisfaction
from admin_app.panel.dates import DateTimeField, due_by_choices
from admin_app.panel.fields import date_within
from admin_app.panel.forms import TEXT, CleanForm


class ResultForm(CleanForm):
    result = TextAreaField(
        _l("Result"),
        validators=TEXT,
        description=_l("What was done or answered, as the resident was told."),
    )


class NoteForm(CleanForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class CompanyReportForm(CleanForm):
    note = TextAreaField(
        _l("How it was reported"),
        validators=[Optional(), Length(max=500)],
        description=_l(
            "To whom and how the written result went (optional), e.g. faxed to the head "
            "office's service department."
        ),
    )


class CallbackForm(CleanForm):
    callback_due_at = DateTimeField(
        _l("Call the resident back by"),
        validators=[InputRequired(), date_within],
        quick=due_by_choices,
    )


class AfterTheFactForm(CleanForm):
    occurred_at = DateTimeField(
        _l("When it really happened"),
        validators=[InputRequired(), date_within],
        description=_l("Handled first, recorded after: the deadlines run from this time."),
    )


class StaffChoiceForm(CleanForm):
    assignee = SelectField(_l("Assignee"), coerce=int, validators=[InputRequired()])


class NewWorkOrderForm(CleanForm):
    kind = SelectField(_l("Kind"), choices=WorkOrderKind.choices, default="home_repair_paid")
    trade = SelectField(_l("Trade"), choices=Trade.choices, default="plumbing")
    is_emergency = SelectField(
        _l("Emergency"),
        choices=[("no", _l("No")), ("yes", _l("Yes: leak, power loss, safety"))],
        default="no",
    )


# No complaint category is a safe guess: the forms start on a blank line, and one left blank
# is refused on the field.
CHOOSE_CATEGORY = _l("Choose the complaint category.")


def complaint_category_chosen(form, field):
    """On the ticket form: a complaint names its category; other tickets need none."""
    category = form.category.data if "category" in form else None
    if category == TicketCategory.complaint and not field.data:
        raise ValidationError(str(CHOOSE_CATEGORY))


class ClassifyForm(CleanForm):
    severity = RadioField(_l("Severity"), choices=Severity.choices, validators=[InputRequired()])
    validity = RadioField(
        _l("Validity"),
        choices=[(v.value, v.label) for v in Validity if v is not Validity.pending],
        validators=[InputRequired()],
    )
    complaint_code = SelectField(
        _l("Complaint category"),
        choices=[("", _l("— choose —")), *ComplaintCode.choices()],
        validators=[InputRequired(message=CHOOSE_CATEGORY)],
    )


class HandlingForm(CleanForm):
    cause = TextAreaField(
        _l("Cause"),
        validators=TEXT,
        description=_l("For an invalid complaint: the explanation given."),
    )
    responsible_department = StringField(_l("Responsible department"), validators=[Length(max=100)])
    responsible_person = StringField(_l("Responsible person"), validators=[Length(max=50)])
    corrective_action = TextAreaField(_l("Corrective action"), validators=[Length(max=2000)])
    # The estate's departments (prepare_handling): the one picked hears of it and queues it.
    department = SelectField(_l("Department handling it"), coerce=int, default=0)


NO_ONE = (0, _l("— none —"))


class RevisitComplaintForm(CleanForm):
    """The revisit call: the resident's verdict first, in their own words."""

    outcome = RadioField(
        _l("The resident is"), choices=Satisfaction.choices, validators=[InputRequired()]
    )
    words = TextAreaField(
        _l("What the resident said"),
        validators=TEXT,
        description=_l("Unsatisfied reopens the complaint for a new round, one level up."),
    )


class CorrectiveActionForm(CleanForm):
    what = TextAreaField(_l("What is to be done"), validators=TEXT)
    department = SelectField(_l("Department"), coerce=int, default=0)
    owner = SelectField(_l("Owner"), coerce=int, default=0)
    due_at = DateTimeField(
        _l("Due by"), validators=[InputRequired(), date_within], quick=due_by_choices
    )


class DoneForm(CleanForm):
    note = TextAreaField(_l("What was done"), validators=TEXT)


class VerifyForm(CleanForm):
    how = TextAreaField(
        _l("How it was checked"),
        validators=TEXT,
        description=_l("On the spot, with the resident, photos …"),
    )
