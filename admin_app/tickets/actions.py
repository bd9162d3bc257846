"""The ticket and complaint actions: how each form reaches its service verb."""

from __future__ import annotations

from flask import url_for

from admin_app.extensions import db
from admin_app.models import ComplaintCode, Role, Severity, Staff, Trade, Validity, WorkOrderKind
from admin_app.panel.actions.core import RecordAction
from admin_app.panel.forms import ReasonForm
from admin_app.tickets import complaints, forms
from admin_app.tickets import operations as tickets


def prepare_assign(form, records) -> None:
    estates = {t.estate_id for t in records}
    staff = (
        db.session.query(Staff)
        .filter(
            Staff.active.is_(True),
            Staff.role.in_([Role.receptionist, Role.supervisor, Role.director]),
        )
        .order_by(Staff.name)
        .all()
    )
    form.assignee.choices = [
        (s.id, f"{s.name} ({s.role.label})")
        for s in staff
        if s.all_estates or estates <= s.estate_ids
    ]


def run_assign(ticket, actor, form):
    tickets.assign(ticket, actor, assignee=db.session.get(Staff, form.assignee.data))


def run_create_work_order(ticket, actor, form):
    order = tickets.create_from_ticket(
        ticket,
        actor,
        kind=WorkOrderKind(form.kind.data),
        trade=Trade(form.trade.data),
        is_emergency=form.is_emergency.data == "yes",
    )
    db.session.flush()
    return url_for("work_order.details_view", id=order.id)


def prepare_classify(form, records) -> None:
    if len(records) == 1 and records[0].complaint_code and not form.is_submitted():
        form.complaint_code.data = records[0].complaint_code.value
    if len(records) == 1 and not form.is_submitted() and complaints.repeats_of(records[0]):
        # A repeat within a short time counts as serious [DOMAIN: Complaint]: offered so.
        form.severity.data = Severity.serious.value


def run_classify(ticket, actor, form):
    complaints.classify(
        ticket,
        actor,
        severity=Severity(form.severity.data),
        validity=Validity(form.validity.data),
        complaint_code=ComplaintCode(form.complaint_code.data),
    )


def run_handling(ticket, actor, form):
    complaints.record_handling(
        ticket,
        actor,
        cause=form.cause.data,
        responsible_department=form.responsible_department.data,
        responsible_person=form.responsible_person.data,
        corrective_action=form.corrective_action.data,
    )


TICKET_ACTIONS = (
    RecordAction("remind", lambda t, a, f: tickets.remind(t, a), style="secondary"),
    RecordAction("start", lambda t, a, f: tickets.start(t, a)),
    RecordAction(
        "answer",
        lambda t, a, f: tickets.answer(t, a, result=f.result.data),
        forms.ResultForm,
        many=False,
        style="success",
    ),
    RecordAction(
        "promise_callback",
        lambda t, a, f: tickets.promise_callback(t, a, callback_due_at=f.callback_due_at.data),
        forms.CallbackForm,
        many=False,
    ),
    RecordAction("create_work_order", run_create_work_order, forms.NewWorkOrderForm, many=False),
    RecordAction(
        "classify",
        run_classify,
        forms.ClassifyForm,
        prepare=prepare_classify,
        many=False,
        template="admin/wuye/classify.html",  # with the household's earlier complaints
    ),
    RecordAction("record_handling", run_handling, forms.HandlingForm, many=False),
    RecordAction(
        "report_back",
        lambda t, a, f: complaints.report_back(t, a, result=f.result.data),
        forms.ResultForm,
        many=False,
    ),
    RecordAction(
        "revisit_complaint",
        lambda t, a, f: complaints.revisit(t, a, note=f.note.data),
        forms.NoteForm,
        many=False,
    ),
    RecordAction(
        "resolve",
        lambda t, a, f: tickets.resolve(t, a, result=f.result.data),
        forms.ResultForm,
        many=False,
    ),
    RecordAction("close", lambda t, a, f: tickets.close(t, a), style="success"),
    RecordAction(
        "escalate",
        lambda t, a, f: tickets.escalate(t, a, note=f.note.data),
        forms.NoteForm,
        style="warning",
    ),
    RecordAction(
        "record_after_the_fact",
        lambda t, a, f: tickets.record_after_the_fact(t, a, occurred_at=f.occurred_at.data),
        forms.AfterTheFactForm,
        many=False,
        style="secondary",
    ),
    RecordAction("assign", run_assign, forms.StaffChoiceForm, prepare=prepare_assign),
    RecordAction(
        "cancel",
        lambda t, a, f: tickets.cancel(t, a, reason=f.reason.data),
        ReasonForm,
        style="danger",
    ),
)
