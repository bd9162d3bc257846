"""Forms for the payment and hand-in steps (the parameters each verb needs)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from admin_app.models import PaymentMethod
from admin_app.panel.forms import CleanForm
from admin_app.work_orders.forms import AMOUNT


class PayForm(CleanForm):
    method = RadioField(
        _l("Payment method"), choices=PaymentMethod.choices(), validators=[InputRequired()]
    )


class InvoiceRequestForm(CleanForm):
    title = StringField(
        _l("Invoice title"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("The person's or company's name, as it is to appear on the invoice."),
    )
    tax_number = StringField(
        _l("Tax number"),
        validators=[Optional(), Length(max=24)],
        description=_l("A company's unified social credit code; none for a private person."),
    )


class InvoiceIssueForm(CleanForm):
    invoice_number = StringField(_l("Invoice number"), validators=[Optional(), Length(max=40)])


class ConfirmForm(CleanForm):
    amount = DecimalField(_l("Amount received"), places=2, validators=[InputRequired(), AMOUNT])
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Required when the amount received differs from the sheet."),
    )
