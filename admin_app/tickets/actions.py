"""The ticket and complaint actions: how each form reaches its service verb."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext

from admin_app.extensions import db
from admin_app.models import (
    ComplaintCode,
    Department,
    Role,
    Severity,
    Staff,
    Trade,
    Validity,
    WorkOrderKind,
)
from admin_app.panel.actions.core import Outcome, RecordAction
from admin_app.panel.forms import ReasonForm
from admin_app.services.worklists import ASSIGNEES
from admin_app.tickets import complaints, corrective, forms
from admin_app.tickets import operations as tickets


def prepare_assign(form, records) -> None:
    estates = {t.estate_id for t in records}
    staff = (
        db.session.query(Staff)
        .filter(
            Staff.active.is_(True),
            Staff.role.in_(ASSIGNEES),
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
    return Outcome(note=whose_now(ticket))


def whose_now(ticket) -> str:
    """Who answers for the classified complaint and by when (a serious one is the director's,
    who is told: services/handoffs.py)."""
    deadline = ticket.complaint_due_at.strftime("%Y-%m-%d %H:%M")
    owner = ticket.owner
    serious = ticket.severity is Severity.serious
    if owner is None:
        return gettext(
            "%(severity)s complaint, due by %(deadline)s: nobody of the role that owns it "
            "(%(role)s) works in this estate.",
            severity=ticket.severity.label,
            deadline=deadline,
            role=(Role.director if serious else Role.supervisor).label,
        )
    if serious:
        return gettext(
            "Serious complaint: passed to %(name)s (%(role)s), who is told; a result is due "
            "by %(deadline)s.",
            name=owner.name,
            role=owner.role.label,
            deadline=deadline,
        )
    return gettext(
        "%(severity)s complaint: %(name)s (%(role)s) answers for it, due by %(deadline)s.",
        severity=ticket.severity.label,
        name=owner.name,
        role=owner.role.label,
        deadline=deadline,
    )


def _departments(records) -> list[tuple[int, str]]:
    estates = {t.estate_id for t in records}
    found = (
        db.session.query(Department)
        .filter(Department.estate_id.in_(estates))
        .order_by(Department.name)
        .all()
    )
    return [forms.NO_ONE, *((d.id, d.name) for d in found)]


def _picked(model, value):
    return db.session.get(model, value) if value else None


def prepare_handling(form, records) -> None:
    form.department.choices = _departments(records)


def run_handling(ticket, actor, form):
    complaints.record_handling(
        ticket,
        actor,
        cause=form.cause.data,
        responsible_department=form.responsible_department.data,
        responsible_person=form.responsible_person.data,
        corrective_action=form.corrective_action.data,
        department=_picked(Department, form.department.data),
    )


def prepare_action(form, records) -> None:
    form.department.choices = _departments(records)
    estates = {t.estate_id for t in records}
    staff = db.session.query(Staff).filter(Staff.active.is_(True)).order_by(Staff.name).all()
    form.owner.choices = [
        forms.NO_ONE,
        *(
            (s.id, f"{s.name} ({s.role.label})")
            for s in staff
            if s.all_estates or estates <= s.estate_ids
        ),
    ]


def run_add_action(ticket, actor, form):
    corrective.add(
        ticket,
        actor,
        what=form.what.data,
        due_at=form.due_at.data,
        owner=_picked(Staff, form.owner.data),
        department=_picked(Department, form.department.data),
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
    RecordAction(
        "record_handling",
        run_handling,
        forms.HandlingForm,
        prepare=prepare_handling,
        many=False,
    ),
    RecordAction(
        "report_back",
        lambda t, a, f: complaints.report_back(t, a, result=f.result.data),
        forms.ResultForm,
        many=False,
    ),
    RecordAction(
        "revisit_complaint",
        lambda t, a, f: complaints.revisit(t, a, outcome=f.outcome.data, words=f.words.data),
        forms.RevisitComplaintForm,
        many=False,
        style="success",
    ),
    RecordAction(
        "add_action",
        run_add_action,
        forms.CorrectiveActionForm,
        prepare=prepare_action,
        many=False,
        style="secondary",
    ),
    RecordAction(
        "close_complaint",
        lambda t, a, f: complaints.close_unsatisfied(t, a, reason=f.reason.data),
        ReasonForm,
        many=False,
        style="warning",
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
        "report_to_company",
        lambda t, a, f: tickets.report_to_company(t, a, note=f.note.data),
        forms.CompanyReportForm,
        many=False,
        style="success",
        template="admin/wuye/company_report.html",  # with the record to print and send
    ),
    RecordAction(
        "record_after_the_fact",
        lambda t, a, f: tickets.record_after_the_fact(t, a, occurred_at=f.occurred_at.data),
        forms.AfterTheFactForm,
        many=False,
        style="outline-secondary",
    ),
    # Chunked: a batch writes the calls set-based and tells the assignee once (handoffs).
    RecordAction("assign", run_assign, forms.StaffChoiceForm, prepare=prepare_assign, chunked=True),
    RecordAction(
        "cancel",
        lambda t, a, f: tickets.cancel(t, a, reason=f.reason.data),
        ReasonForm,
        style="danger",
    ),
)


CORRECTIVE_ACTIONS = (
    RecordAction(
        "mark_done",
        lambda a, actor, f: corrective.mark_done(a, actor, note=f.note.data),
        forms.DoneForm,
        many=False,
    ),
    RecordAction(
        "verify",
        lambda a, actor, f: corrective.verify(a, actor, how=f.how.data),
        forms.VerifyForm,
        many=False,
        style="success",
    ),
)
