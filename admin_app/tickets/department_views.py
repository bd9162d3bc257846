"""The departments of each estate (with their queue) and the corrective actions list."""

from __future__ import annotations

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import BooleanField

from admin_app.auth.scope import scoped
from admin_app.extensions import db
from admin_app.models import CorrectiveAction, Department
from admin_app.panel.actions.pages import ActionsMixin
from admin_app.panel.base import SecureModelView
from admin_app.panel.filters import RecordIdFilter, WorklistFilter, estate_filter
from admin_app.panel.labels import LABELS
from admin_app.panel.lookups import ESTATE_LOOKUP
from admin_app.tickets import departments
from admin_app.tickets.actions import CORRECTIVE_ACTIONS
from admin_app.tickets.corrective import CORRECTIVE_ACTION

STAFF_LOOKUP = {"fields": ("name", "username"), "placeholder": _l("Search staff")}
DEPARTMENT_LABELS = {
    **LABELS,
    "name": _l("Name"),
    "head": _l("Head of department"),
    "members": _l("Members"),
    "what": _l("What is to be done"),
    "owner": _l("Responsible person"),  # staff, not the unit's owner (业主)
    "department": _l("Department"),
    "due_at": _l("Due by"),
    "done_at": _l("Done at"),
    "done_by": _l("Done by"),
    "done_note": _l("What was done"),
    "verified_at": _l("Verified at"),
    "verified_by": _l("Verified by"),
    "verification": _l("How it was checked"),
    "ticket": _l("Complaint"),
}


class DepartmentFilter(RecordIdFilter):
    """One of the user's departments (options per request, like the estate filter)."""

    per_request_options = True

    def get_options(self, view):
        if not has_request_context():
            return None
        query = scoped(select(Department).order_by(Department.name), Department, current_user)
        return [(d.id, f"{d.name} · {d.estate.name}") for d in db.session.scalars(query)]


class DepartmentView(SecureModelView):
    resource = "department"
    column_labels = DEPARTMENT_LABELS
    column_list = ("estate", "name", "head")
    column_details_list = ("estate", "name", "head", "members")
    column_searchable_list = ("name",)
    column_default_sort = "name"
    column_filters = (estate_filter(Department),)
    form_columns = ("estate", "name", "head", "members")
    form_ajax_refs = {"estate": ESTATE_LOOKUP, "head": STAFF_LOOKUP, "members": STAFF_LOOKUP}
    integrity_messages = ((("name",), _l("The estate already has a department of this name.")),)
    # With its queue: complaints handed to it, corrective actions open and overdue.
    details_template = "admin/wuye/department_details.html"

    def queue(self, department):
        return departments.queue(department)

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        departments.check_people(model)


class CorrectiveActionView(ActionsMixin, SecureModelView):
    resource = "corrective_action"
    machine = CORRECTIVE_ACTION
    record_actions = CORRECTIVE_ACTIONS
    can_create = can_edit = can_delete = False
    column_labels = DEPARTMENT_LABELS
    column_list = ("number", "estate", "ticket", "department", "owner", "due_at", "status")
    column_details_list = (
        "number",
        "estate",
        "ticket",
        "status",
        "what",
        "department",
        "owner",
        "due_at",
        "done_at",
        "done_by",
        "done_note",
        "verified_at",
        "verified_by",
        "verification",
    )
    column_searchable_list = ("number",)
    column_sortable_list = ("number", "due_at", "status")
    column_default_sort = ("due_at", False)
    column_filters = (
        estate_filter(CorrectiveAction),
        WorklistFilter(CorrectiveAction, "corrective_action"),
        DepartmentFilter(CorrectiveAction.department_id, _l("Department")),
        "status",
    )


class UsualDepartmentsMixin:
    """On the estate form: the usual departments offered when an estate is created."""

    form_extra_fields = {
        "usual_departments": BooleanField(
            _l("Add the usual departments (engineering, cleaning, security, customer service)"),
            default=True,
        )
    }

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        del form["usual_departments"]
        return form

    def after_model_change(self, form, model, is_created):
        super().after_model_change(form, model, is_created)
        if is_created and "usual_departments" in form and form.usual_departments.data:
            departments.add_usual(model)
            db.session.commit()
