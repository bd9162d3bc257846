"""The home-visit steps: how each form reaches its verb."""

from __future__ import annotations

from admin_app.home_visits import forms
from admin_app.home_visits import operations as home_visits
from admin_app.panel.actions.core import RecordAction

BOOKING_ACTIONS = (
    RecordAction(
        "agree",
        lambda b, a, f: home_visits.agree(
            b,
            a,
            appointment_at=f.appointment_at.data,
            visitor=f.visitor.data,
            materials=f.materials.data,
        ),
        forms.AgreeForm,
        prepare=forms.prepare_agree,
        many=False,
        style="success",
    ),
    RecordAction(
        "refuse",
        lambda b, a, f: home_visits.refuse(b, a, reason=f.reason.data),
        forms.RefuseForm,
        many=False,
        style="warning",
    ),
    RecordAction(
        "visit",
        lambda b, a, f: home_visits.visit(b, a, notes=f.notes.data),
        forms.OutcomeForm,
        many=False,
        style="success",
    ),
    RecordAction(
        "call_off",
        lambda b, a, f: home_visits.call_off(
            b, a, told_whom=f.told_whom.data, told_at=f.told_at.data, reason=f.reason.data
        ),
        forms.CallOffForm,
        many=False,
        style="danger",
    ),
    RecordAction(
        "abandon",
        lambda b, a, f: home_visits.abandon(b, a, notes=f.notes.data),
        forms.OutcomeForm,
        many=False,
        style="secondary",
    ),
)
