"""Tickets (来电来访登记) and complaints."""

from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.validators import DataRequired

from admin_app import clock
from admin_app.attachments.views import AttachmentsMixin
from admin_app.auth.permissions import may
from admin_app.models import Staff, Ticket, TicketCategory
from admin_app.panel.actions.pages import ActionsMixin
from admin_app.panel.base import SecureModelView
from admin_app.panel.dates import due_by_choices, now_choice
from admin_app.panel.details import fields_of
from admin_app.panel.filters import (
    WorklistFilter,
    estate_filter,
    resident_filter,
    unit_filter,
)
from admin_app.panel.forms import phone_number
from admin_app.panel.labels import LABELS
from admin_app.panel.lookups import ESTATE_LOOKUP, RESIDENT_LOOKUP, UNIT_LOOKUP
from admin_app.panel.return_links import return_target
from admin_app.tickets import call_orders, complaints, front_desk
from admin_app.tickets import operations as tickets
from admin_app.tickets.actions import TICKET_ACTIONS
from admin_app.tickets.forms import complaint_category_chosen
from admin_app.tickets.operations import TICKET
from admin_app.tickets.printing import PrintFormsMixin

STAFF_LOOKUP = {"fields": ("name", "username"), "placeholder": _l("Search staff")}


def active_staff(query):
    return query.filter(Staff.active.is_(True))


class TicketView(PrintFormsMixin, AttachmentsMixin, ActionsMixin, SecureModelView):
    resource = "ticket"
    machine = TICKET
    record_actions = TICKET_ACTIONS
    action_summary_template = "admin/wuye/_ticket_summary.html"
    # A complaint's owner is the supervisor or director answerable for it, not the unit's
    # owner (业主) that "owner" means on renovations.
    column_labels = {
        **LABELS,
        "owner": _l("Complaint owner"),
        "complaint_round": _l("Round"),
        "department": _l("Department handling it"),
        "closing_reason": _l("Why the director closed it"),
        "escalation_note": _l("Desk's note on escalation"),
    }
    column_list = (
        "number",
        "estate",
        "category",
        "status",
        "channel",
        "unit",
        "reporter_name",
        "reporter_phone",
        "received_at",
        "assignee",
    )
    details_groups = (
        (
            _l("Call"),
            (
                "number",
                "estate",
                "category",
                "status",
                "channel",
                "company_ref",
                "received_at",
                "received_by",
            ),
        ),
        (_l("Caller"), ("unit", "resident", "reporter_name", "reporter_phone")),
        (
            _l("What it is about"),
            ("location", "occurred_at", "after_the_fact", "description", "request"),
        ),
        (
            _l("Handling"),
            (
                "assignee",
                "escalation_note",
                "callback_due_at",
                "result",
                "resolved_at",
                "resident_informed_at",
                "closed_at",
                "company_reported_at",
                "company_report",
            ),
        ),
        (
            _l("Complaint"),
            (
                "complaint_code",
                "severity",
                "validity",
                "complaint_due_at",
                "owner",
                "cause",
                "responsible_department",
                "responsible_person",
                "corrective_action",
                "department",
                "handled_at",
                "reported_back_at",
                "revisited_at",
                "revisited_by",
                "revisit_note",
                "closing_reason",
            ),
        ),
    )
    column_details_list = fields_of(details_groups)
    column_export_list = column_details_list
    # The caller's phone as typed, or as the resident picked has it on file.
    column_searchable_list = ("number", "reporter_name", "reporter_phone", "resident.phone")
    column_search_modes = {
        "reporter_name": "prefix",
        "reporter_phone": "phone",
        "resident.phone": "phone",
    }
    column_sortable_list = ("number", "category", "status", "channel", "received_at")
    column_default_sort = ("received_at", True)
    column_filters = (
        estate_filter(Ticket),
        WorklistFilter(Ticket, "ticket"),
        unit_filter(Ticket),
        resident_filter(Ticket),
        "category",
        "status",
        "channel",
        "severity",
        "validity",
        "received_at",
    )
    form_columns = (
        "estate",
        "category",
        "channel",
        "company_ref",
        "unit",
        "resident",
        "reporter_name",
        "reporter_phone",
        "location",
        "occurred_at",
        "description",
        "request",
        "assignee",
        "callback_due_at",
        "complaint_code",
        *front_desk.CALL_FIELDS,  # the call page's next step, on its shaped forms only
    )
    form_args = {
        "reporter_phone": {"validators": [phone_number]},
        "company_ref": {
            "description": _l("Forwarded by the company: its letter's or e-mail's reference."),
            # Shown once the channel is "forwarded by the company" (js/shown-with.js).
            "render_kw": {"data-shown-with": "channel:company"},
        },
        "complaint_code": {"validators": [complaint_category_chosen]},
        "occurred_at": {"quick": now_choice},
        "callback_due_at": {"quick": due_by_choices},
    }
    form_ajax_refs = {
        "estate": ESTATE_LOOKUP,
        "unit": UNIT_LOOKUP,
        "resident": RESIDENT_LOOKUP,
        "assignee": {**STAFF_LOOKUP, "extra_filter": active_staff},
    }

    form_extra_fields = front_desk.CALL_FIELDS
    # With the complaint's earlier ones from the same household (a repeat counts as serious).
    details_template = "admin/wuye/ticket_details.html"
    list_template = "admin/wuye/ticket_list.html"  # with the day's register to print

    def get_one(self, id):
        ticket = super().get_one(id)
        if ticket.category is TicketCategory.complaint and request.endpoint == (
            f"{self.endpoint}.details_view"
        ):
            complaints.load_records(ticket)
        return ticket

    def work_orders_of(self, ticket) -> list:
        return call_orders.orders_of(ticket)

    def complaint_history(self, ticket) -> tuple[list, list]:
        return complaints.recent_from_household(ticket)

    # ---- taking a call -----------------------------------------------------------------
    @expose("/call/")
    def call_view(self):
        """Who is calling: residents by phone or name, each with a button per category."""
        if not self.can_create:
            abort(403)
        term = request.args.get("q", "")
        callers = front_desk.find_callers(current_user, term)
        return self.render(
            "admin/wuye/ticket_call.html",
            term=term,
            callers=callers,
            open_matters=front_desk.open_matters(current_user, callers),
            may_chase=call_orders.may_chase,
            categories=TicketCategory,
            # Someone out who was asked for: the message is taken from here (staff_messages).
            take_messages=may(current_user, "staff_message.take"),
        )

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        """The ticket form: shaped by the category the call page chose (?category=), or the
        full form. Saved, the new ticket opens (or the dispatch of its repair) and the message
        names its number."""
        shape = front_desk.shape_of(request.args.get("category"))
        return_url = return_target("url", self.get_url(".index_view"))
        form = self.create_form()
        if self.validate_form(form):
            ticket = self.create_model(form)
            if ticket:
                return redirect(self._after_call(ticket))
        names = (
            front_desk.SHAPES[shape] if shape else [f.name for f in form if f.name != "csrf_token"]
        )
        caller = self._caller(form)
        fields = [form[n] for n in names if n in form]
        return self.render(
            "admin/wuye/ticket_new.html",
            form=form,
            fields=fields,
            focus=self._first_to_type(fields),
            category=shape,
            categories=TicketCategory,
            return_url=return_url,
            household=front_desk.household(current_user, *caller),
        )

    def create_form(self, obj=None):
        form = super().create_form(obj)
        shape = front_desk.shape_of(request.args.get("category"))
        keep = set(front_desk.SHAPES[shape]) if shape else None
        for name in [f.name for f in form]:
            extra = name in front_desk.CALL_FIELDS
            if (keep is None and extra) or (
                keep is not None and name not in keep and name != "csrf_token"
            ):
                del form[name]
        if shape is TicketCategory.repair:
            # The work order is made with the call: its trade picks the technicians.
            form.trade.validators = [DataRequired(message=gettext("Choose the trade."))]
        if request.method == "GET":
            self._prefill_caller(form)
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        for name in front_desk.CALL_FIELDS:
            if name in form:
                del form[name]
        return form

    def _prefill_caller(self, form) -> None:
        """The caller picked on the call page (?resident=): the resident, unit, name and
        phone, when the resident is in the user's estates."""
        resident = front_desk.scoped_resident(current_user, request.args.get("resident"))
        if resident is None:
            return
        form.resident.data = resident
        if "unit" in form:
            form.unit.data = resident.unit
        if "estate" in form:
            form.estate.data = resident.estate
        form.reporter_name.data = resident.name
        form.reporter_phone.data = resident.phone

    @staticmethod
    def _first_to_type(fields) -> str | None:
        """Where the cursor waits: the first text box still empty — the caller's name when he
        is not on file, what happened when he is (name and phone filled from the resident).
        A form sent back with an error leaves it to the error."""
        if request.method != "GET":
            return None
        empty = {
            f.name for f in fields if f.type in ("StringField", "TextAreaField") and not f.data
        }
        # Where in the flat is asked before what happened, but what happened is said first.
        return next((n for n in ("reporter_name", "description") if n in empty), None) or next(
            (f.name for f in fields if f.name in empty), None
        )

    def _caller(self, form) -> tuple:
        unit, resident = form.unit.data if "unit" in form else None, form.resident.data
        return (getattr(unit, "id", None), getattr(resident, "id", None))

    def _after_call(self, ticket) -> str:
        order = getattr(ticket, "call_work_order", None)
        if order is not None:
            flash(
                gettext(
                    "Ticket %(ticket)s saved, work order %(order)s made from it.",
                    ticket=ticket.number,
                    order=order.number,
                ),
                "success",
            )
            if "_dispatch" in request.form:
                return self.get_url(
                    "work_order.act_view",
                    action_name="dispatch",
                    id=order.id,
                    url=self.get_url(".details_view", id=ticket.id),
                )
        else:
            flash(gettext("Ticket %(ticket)s saved.", ticket=ticket.number), "success")
        return self.get_url(".details_view", id=ticket.id)

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.received_by_id = current_user.id
            model.received_at = model.received_at or clock.now()
        shape = front_desk.shape_of(request.args.get("category")) if is_created else None
        if shape is not None:
            model.category = shape
        tickets.carry_over_from_resident(model)
        super().on_model_change(form, model, is_created)
        if shape is not None:
            model.call_work_order = tickets.take_call(
                model,
                current_user,
                answer_given=form.answer.data if "answer" in form else None,
                callback_due_at=front_desk.callback_time(
                    form.callback_in.data if "callback_in" in form else None, clock.now()
                )
                or (form.callback_due_at.data if "callback_due_at" in form else None),
                work_order=front_desk.work_order_of(form)
                if shape is TicketCategory.repair
                else None,
            )
