"""The payment and hand-in actions: how each form reaches its verb."""

from __future__ import annotations

from admin_app.panel.actions.core import RecordAction
from admin_app.payments import forms
from admin_app.payments import operations as payments

PAYMENT_ACTIONS = (
    RecordAction(
        "pay_at_desk",
        lambda p, a, f: payments.pay_at_desk(p, a, method=f.method.data),
        forms.PayForm,
        many=False,
        style="success",
    ),
    RecordAction(
        "request_invoice",
        lambda p, a, f: payments.request_invoice(
            p, a, title=f.title.data, tax_number=f.tax_number.data
        ),
        forms.InvoiceRequestForm,
        many=False,
        style="secondary",
    ),
    RecordAction(
        "issue_invoice",
        lambda p, a, f: payments.issue_invoice(p, a, invoice_number=f.invoice_number.data),
        forms.InvoiceIssueForm,
        many=False,
    ),
)

HAND_IN_ACTIONS = (
    RecordAction(
        "confirm",
        lambda s, a, f: payments.confirm(s, a, amount=f.amount.data, note=f.note.data),
        forms.ConfirmForm,
        many=False,
        style="success",
    ),
)
