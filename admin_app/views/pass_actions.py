"""The pass and renovation actions: how each form reaches its service verb."""

from __future__ import annotations

from admin_app import validation
from admin_app.extensions import db
from admin_app.models import Resident, ResidentRole
from admin_app.services import passes, renovations
from admin_app.views import pass_forms as forms
from admin_app.views.actions import RecordAction
from admin_app.views.pass_forms import read_upload
from admin_app.views.workflow_forms import ReasonForm

UPLOAD_TEMPLATE = "admin/wuye/action_upload.html"


def prepare_approve(form, records) -> None:
    if len(records) == 1 and not form.is_submitted():
        form.valid_from.data, form.valid_until.data = passes.proposed_window(records[0])


def prepare_renew(form, records) -> None:
    if len(records) == 1 and not form.is_submitted():
        form.valid_until.data = passes.renewal_default(records[0])


def prepare_owner(form, records) -> None:
    owners = (
        db.session.query(Resident)
        .filter(Resident.unit_id == records[0].unit_id, Resident.role == ResidentRole.owner)
        .order_by(Resident.name)
        .all()
    )
    form.owner.choices = [(o.id, str(o)) for o in owners]


def run_confirm_owner(record, actor, form):
    # Not a choice list (validate_choice=False): an id beyond the column names no owner.
    owner_id = validation.record_id(form.owner.data)
    owner = db.session.get(Resident, owner_id) if owner_id else None
    passes.confirm_owner(record, actor, owner=owner)


def pass_actions(*extra: RecordAction) -> tuple[RecordAction, ...]:
    return (
        RecordAction(
            "approve",
            lambda r, a, f: passes.approve(
                r, a, valid_from=f.valid_from.data, valid_until=f.valid_until.data
            ),
            forms.ApproveForm,
            prepare=prepare_approve,
            style="success",
        ),
        *extra,
        RecordAction(
            "reject",
            lambda r, a, f: passes.reject(r, a, reason=f.reason.data),
            ReasonForm,
            style="warning",
        ),
        RecordAction("reissue", lambda r, a, f: passes.reissue(r, a), many=False),
        RecordAction(
            "revoke",
            lambda r, a, f: passes.revoke(r, a, reason=f.reason.data),
            ReasonForm,
            style="danger",
        ),
        RecordAction("remind", lambda r, a, f: passes.remind(r, a), style="secondary"),
    )


RENEW = RecordAction(
    "renew",
    lambda r, a, f: passes.renew(r, a, valid_until=f.valid_until.data),
    forms.RenewForm,
    prepare=prepare_renew,
    many=False,
)
WORKER_PASS_ACTIONS = pass_actions(RENEW)
VEHICLE_PASS_ACTIONS = pass_actions(RENEW)
RELEASE_PASS_ACTIONS = pass_actions(
    RecordAction(
        "confirm_owner",
        run_confirm_owner,
        forms.OwnerConfirmationForm,
        prepare=prepare_owner,
        many=False,
    ),
    RecordAction("release", lambda r, a, f: passes.release(r, a), many=False, style="success"),
)


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
