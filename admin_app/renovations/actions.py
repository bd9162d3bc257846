"""The renovation steps: how each form reaches its verb."""

from __future__ import annotations

from admin_app.panel.actions.core import RecordAction
from admin_app.panel.forms import ReasonForm, read_upload
from admin_app.renovations import forms
from admin_app.renovations import operations as renovations

# The inspection steps take a photo: their form is sent as multipart.
UPLOAD_TEMPLATE = "admin/wuye/action_upload.html"


def prepare_permit(form, records) -> None:
    if len(records) == 1 and not form.is_submitted():
        form.valid_until.data = records[0].planned_end


def run_permit(renovation, actor, form):
    renovations.issue_permit(
        renovation,
        actor,
        valid_until=form.valid_until.data,
        agreement_signed=form.agreement_signed.data,
        deposit_received=form.deposit_received.data,
    )


def _with_photo(verb):
    """An inspection step with notes and an optional photo. The verb returns the inspection it
    recorded; an action's return value is where to go next, so it is not passed on (the page
    goes back to the renovation)."""

    def run(renovation, actor, form) -> None:
        verb(renovation, actor, notes=form.notes.data, photo=read_upload(form.photo))

    return run


RENOVATION_ACTIONS = (
    RecordAction("remind", lambda r, a, f: renovations.remind(r, a), style="secondary"),
    RecordAction(
        "request_rectification",
        lambda r, a, f: renovations.request_rectification(r, a, notes=f.notes.data),
        forms.RectificationForm,
        many=False,
        style="warning",
    ),
    RecordAction(
        "resubmit",
        lambda r, a, f: renovations.resubmit(r, a, note=f.note.data),
        forms.ResubmitForm,
        many=False,
    ),
    RecordAction(
        "issue_permit",
        run_permit,
        forms.PermitForm,
        prepare=prepare_permit,
        many=False,
        style="success",
    ),
    RecordAction("start_work", lambda r, a, f: renovations.start_work(r, a)),
    RecordAction(
        "patrol",
        _with_photo(renovations.patrol),
        forms.PatrolForm,
        many=False,
        template=UPLOAD_TEMPLATE,
    ),
    RecordAction(
        "stop_work",
        _with_photo(renovations.stop_work),
        forms.ViolationForm,
        many=False,
        style="danger",
        template=UPLOAD_TEMPLATE,
    ),
    RecordAction(
        "lift_stop",
        _with_photo(renovations.lift_stop),
        forms.CorrectionForm,
        many=False,
        style="success",
        template=UPLOAD_TEMPLATE,
    ),
    RecordAction("request_completion", lambda r, a, f: renovations.request_completion(r, a)),
    RecordAction(
        "accept",
        _with_photo(renovations.accept),
        forms.PatrolForm,
        many=False,
        style="success",
        template=UPLOAD_TEMPLATE,
    ),
    RecordAction(
        "fail",
        _with_photo(renovations.fail),
        forms.FailedInspectionForm,
        many=False,
        style="warning",
        template=UPLOAD_TEMPLATE,
    ),
    RecordAction("refund_deposit", lambda r, a, f: renovations.refund_deposit(r, a)),
    RecordAction(
        "cancel",
        lambda r, a, f: renovations.cancel(r, a, reason=f.reason.data),
        ReasonForm,
        style="danger",
    ),
)
