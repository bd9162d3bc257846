"""The pass steps: how each form reaches its verb."""

from __future__ import annotations

from admin_app import validation
from admin_app.extensions import db
from admin_app.models import Resident, ResidentRole
from admin_app.panel.actions.core import RecordAction
from admin_app.panel.forms import ReasonForm
from admin_app.passes import forms
from admin_app.passes import operations as passes


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
