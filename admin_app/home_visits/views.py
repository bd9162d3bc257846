"""Home-visit bookings (上门服务预约): the receptionist registers a request taken by phone or at
the desk, then answers it within one working day (agree a time, or refuse with the reason);
afterwards the booking ends as visited, called off in time, or abandoned.

Fewest steps: New → fill in who and what → Save; on the booking, "Agree a time" → pick the
time → Confirm. A call-off less than 8 hours before the visit is refused with the reason.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from wtforms.validators import Optional

from admin_app import clock
from admin_app.home_visits import operations as home_visits
from admin_app.home_visits.actions import BOOKING_ACTIONS
from admin_app.home_visits.forms import VISITOR_LOOKUP
from admin_app.models import BookingStatus, HomeVisitBooking
from admin_app.panel.actions.pages import ActionsMixin
from admin_app.panel.base import SecureModelView
from admin_app.panel.filters import estate_filter
from admin_app.panel.forms import phone_number
from admin_app.panel.labels import LABELS
from admin_app.panel.lookups import ESTATE_LOOKUP, RESIDENT_LOOKUP, UNIT_LOOKUP
from admin_app.panel.saves import NamedSavesMixin


def answer_due(view, context, model, name):
    """The answer deadline, marked once it has passed unanswered."""
    if model.answer_due_at is None:
        return ""
    text = f"{model.answer_due_at:%Y-%m-%d %H:%M}"
    if model.status is BookingStatus.requested and model.answer_due_at < clock.now():
        return Markup('{} <span class="badge badge-danger">{}</span>').format(text, _l("Overdue"))
    return text


class HomeVisitBookingView(NamedSavesMixin, ActionsMixin, SecureModelView):
    resource = "home_visit_booking"
    machine = home_visits.BOOKING
    record_actions = BOOKING_ACTIONS
    action_summary_template = "home_visit/_action_summary.html"
    column_labels = {
        **LABELS,
        "applicant_name": _l("Applicant"),
        "service": _l("Service asked for"),
        "preferred_time": _l("Preferred time"),
        "requested_at": _l("Requested at"),
        "received_by": _l("Received by"),
        "answer_due_at": _l("Answer due by"),
        "answered_at": _l("Answered at"),
        "answered_by": _l("Answered by"),
        "appointment_at": _l("Appointment"),
        "visitor": _l("Who goes"),
        "materials": _l("What to have ready"),
        "refusal_reason": _l("Reason for refusal"),
        "told_at": _l("Applicant told at"),
        "told_by": _l("Told by"),
        "told_whom": _l("Told whom"),
        "call_off_reason": _l("Reason for calling off"),
        "abandoned_at": _l("Abandoned at"),
        "abandoned_by": _l("Marked abandoned by"),
        "visited_at": _l("Visited at"),
        "outcome_notes": _l("Outcome notes"),
    }
    column_descriptions = {
        "answer_due_at": _l("The close of the estate's next working day (working-day calendar)."),
    }
    column_list = (
        "number",
        "estate",
        "status",
        "applicant_name",
        "unit",
        "requested_at",
        "answer_due_at",
        "appointment_at",
        "visitor",
    )
    column_details_list = (
        *column_list,
        "channel",
        "resident",
        "applicant_phone",
        "service",
        "preferred_time",
        "received_by",
        "answered_at",
        "answered_by",
        "materials",
        "refusal_reason",
        "told_at",
        "told_by",
        "told_whom",
        "call_off_reason",
        "abandoned_at",
        "abandoned_by",
        "visited_at",
        "outcome_notes",
        "created_at",
    )
    column_export_list = column_details_list
    column_formatters = {"answer_due_at": answer_due}
    column_searchable_list = ("number", "applicant_name", "applicant_phone")
    column_sortable_list = ("number", "status", "requested_at", "answer_due_at", "appointment_at")
    column_default_sort = ("requested_at", True)
    column_filters = (
        estate_filter(HomeVisitBooking),
        "status",
        "channel",
        "requested_at",
        "appointment_at",
    )
    form_columns = (
        "estate",
        "channel",
        "unit",
        "resident",
        "applicant_name",
        "applicant_phone",
        "service",
        "preferred_time",
    )
    # Who asked and for what stays as registered; the contacts may still be corrected.
    editable = ("applicant_name", "applicant_phone", "preferred_time")
    form_args = {
        "applicant_phone": {"validators": [phone_number]},
        # Left empty, the resident picked gives it (carry_over_from_resident); checked on saving.
        "applicant_name": {"validators": [Optional()]},
    }
    form_ajax_refs = {
        "estate": ESTATE_LOOKUP,
        "unit": UNIT_LOOKUP,
        "resident": RESIDENT_LOOKUP,
        "visitor": VISITOR_LOOKUP,  # the agree step's "who goes"
    }

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        for name in self.form_columns:
            if name not in self.editable and name in form:
                del form[name]
        return form

    def created_message(self, record) -> str:
        return gettext(
            "Home-visit booking %(number)s registered. Next: answer the applicant by %(due)s: "
            "agree a time, or refuse with the reason.",
            number=record.number,
            due=f"{record.answer_due_at:%Y-%m-%d %H:%M}",
        )

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        home_visits.carry_over_from_resident(model)
        if is_created:
            home_visits.register(model, current_user)
