"""Messages for a staff member who is out, at the office: the desk takes one in a form opened
from the call page (the caller filled in when a resident was found), the person it is for
reads it from the inbox and marks it done. The caller's phone is shown whole only to the
person it is for and to whoever took it; masked everywhere else."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from admin_app.auth.permissions import FRONT_DESK, may
from admin_app.auth.views import phone_layout
from admin_app.extensions import db
from admin_app.models import Estate, MessageStatus, StaffMessage
from admin_app.panel.base import SecureModelView
from admin_app.panel.details import fields_of
from admin_app.panel.filters import WorklistFilter, estate_filter
from admin_app.panel.labels import LABELS
from admin_app.panel.return_links import return_target
from admin_app.panel.saves import saved
from admin_app.services.reminders.channels import mask_phone
from admin_app.staff_messages import operations as ops
from admin_app.staff_messages.forms import DoneForm, MessageForm
from admin_app.tickets.front_desk import scoped_resident

MESSAGE_LABELS = {
    **LABELS,
    "for_staff": _l("Message for"),
    "caller_name": _l("Caller"),
    "caller_phone": _l("Number to call back on"),
    "text": _l("Message"),
    "call_back": _l("Call back"),
    "taken_at": _l("Taken at"),
    "taken_by": _l("Taken by"),
    "done_at": _l("Done at"),
    "done_by": _l("Done by"),
    "done_note": _l("What came of it"),
}


def sees_the_number(model) -> bool:
    return current_user.id in (model.for_staff_id, model.taken_by_id)


def masked_phone(view, context, model, name):
    return mask_phone(model.caller_phone) if model.caller_phone else ""


def phone_to_call(view, context, model, name):
    """Whole, as a link that dials, for the person to call back and whoever took it."""
    if not model.caller_phone:
        return ""
    if not sees_the_number(model):
        return mask_phone(model.caller_phone)
    return Markup('<a href="tel:{0}">{0}</a>').format(model.caller_phone)


class StaffMessageView(SecureModelView):
    resource = "staff_message"
    column_labels = MESSAGE_LABELS
    column_list = ("taken_at", "status", "for_staff", "caller_name", "caller_phone", "text")
    # Grouped: the fields of a step not taken yet (done at, by, what came of it) stay out.
    details_groups = (
        (
            _l("Call"),
            ("status", "for_staff", "caller_name", "caller_phone", "unit", "text", "call_back"),
        ),
        (_l("Taken"), ("taken_at", "taken_by", "estate")),
        (_l("Dealt with"), ("done_at", "done_by", "done_note")),
    )
    # Not the resident: his name is the caller's, and he reads "张三 (phone)", whole.
    column_details_list = fields_of(details_groups)
    column_formatters = {"caller_phone": masked_phone}
    column_formatters_detail = {"caller_phone": phone_to_call}
    column_formatters_export = {"caller_phone": masked_phone}
    column_default_sort = ("taken_at", True)
    column_sortable_list = ("taken_at", "status")
    column_searchable_list = ("caller_name",)
    column_search_modes = {"caller_name": "prefix"}
    column_filters = (
        estate_filter(StaffMessage),
        WorklistFilter(StaffMessage, "staff_message"),
        "status",
        "taken_at",
    )
    details_template = "staff_messages/details.html"

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return False  # a message is what the caller said: it is closed, never rewritten

    def scope(self, query):
        """The office sees its estates' messages; a technician or guard those for him or
        taken by him."""
        query = super().scope(query)
        if current_user.role not in FRONT_DESK:
            mine = (StaffMessage.for_staff_id == current_user.id) | (
                StaffMessage.taken_by_id == current_user.id
            )
            query = query.filter(mine)
        return query

    # ---- taking a message ----------------------------------------------------------------
    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        if not may(current_user, "staff_message.take"):
            abort(403)
        resident = scoped_resident(current_user, request.values.get("resident"))
        back = return_target("url", url_for("ticket.call_view"))
        form = MessageForm()
        estate_ids = self._estates_offered(form, resident)
        # Asked to choose the estate too, the staff of all of them are offered: the verb
        # refuses one who does not work in the estate chosen, saying so.
        staff = ops.who_may_be_asked_for(estate_ids, current_user)
        choose = [(0, gettext("— choose —"))]
        form.for_staff.choices = choose + [(s.id, f"{s.name} ({s.role.label})") for s in staff]
        if resident is not None and request.method == "GET":
            form.caller_name.data = resident.name
            form.caller_phone.data = resident.phone
        if form.validate_on_submit():
            estate_id = form.estate.data if "estate" in form else estate_ids[0]
            chosen = next((s for s in staff if s.id == form.for_staff.data), None)
            taken = saved(
                lambda: ops.take(
                    current_user,
                    estate_id=estate_id,
                    for_staff=chosen,
                    text=form.text.data,
                    caller_name=form.caller_name.data,
                    caller_phone=form.caller_phone.data,
                    resident=resident,
                    call_back=form.call_back.data,
                ),
                lambda message: gettext(
                    "The message is passed on to %(name)s (inbox and text message).",
                    name=message.for_staff.name,
                ),
            )
            if taken:
                return redirect(back)
        shown = {"form": form, "resident": resident, "return_url": back}
        layout = phone_layout(current_user)
        if layout is not None:
            return render_template("staff_messages/new_phone.html", layout=layout, **shown)
        return self.render("staff_messages/new.html", **shown)

    def _estates_offered(self, form, resident) -> list[int]:
        """The caller's estate; else the user's only one; else the user's, asked on the form."""
        if resident is not None:
            del form.estate
            return [resident.estate_id]
        estates = current_user.estates
        if len(estates) == 1 and not current_user.all_estates:
            del form.estate
            return [estates[0].id]
        estates = estates or db.session.query(Estate).order_by(Estate.name).all()
        form.estate.choices = [(e.id, e.name) for e in estates]
        return [e.id for e in estates]

    # ---- dealing with it -----------------------------------------------------------------
    @expose("/details/")
    def details_view(self):
        """A technician or guard reads his message in his phone's frame; the office in its own."""
        layout = phone_layout(current_user)
        if layout is None:
            return super().details_view()
        message = self.get_one(request.args.get("id"))  # 404 outside his messages
        return render_template("staff_messages/phone.html", layout=layout, model=message, view=self)

    @expose("/done/", methods=("POST",))
    def done_view(self):
        message = self.get_one(request.values.get("id"))
        form = DoneForm()
        if form.validate_on_submit():
            saved(
                lambda: ops.mark_done(message, current_user, note=form.note.data),
                gettext("Marked done."),
            )
        else:
            for error in (e for errors in form.errors.values() for e in errors):
                flash(error, "error")
        return redirect(self.get_url(".details_view", id=message.id))

    def sees_the_number(self, message) -> bool:
        return sees_the_number(message)

    def may_close(self, message) -> bool:
        return message.status is MessageStatus.waiting and ops.may_close(message, current_user)

    def done_form(self) -> DoneForm:
        return DoneForm(formdata=None)
