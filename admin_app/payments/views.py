"""Fees and hand-in sheets: the lists, the desk's steps, the printable receipt, and the sheet the
desk writes for a collector."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload, lazyload, selectinload

from admin_app import clock, validation
from admin_app.auth.permissions import may
from admin_app.auth.scope import estate_allowed, scoped
from admin_app.extensions import db
from admin_app.models import CashHandIn, Estate, Payment, Staff
from admin_app.panel.actions.pages import ActionsMixin
from admin_app.panel.base import SecureModelView
from admin_app.panel.details import fields_of
from admin_app.panel.filters import WorklistFilter, estate_filter
from admin_app.panel.labels import LABELS
from admin_app.panel.saves import saved
from admin_app.payments import operations as payments
from admin_app.payments.actions import HAND_IN_ACTIONS, PAYMENT_ACTIONS
from admin_app.payments.receipt import amount_in_words
from admin_app.services.statistics import fees

RECEIPT_SIZES = ("A5", "80mm")
PAYMENT_LABELS = {
    **LABELS,
    "work_order": _l("Work order"),
    "move_in": _l("Move-in"),
    "item": _l("Fee"),
    "amount": _l("Amount"),
    "state": _l("Payment"),
    "method": _l("Payment method"),
    "number": _l("Receipt number"),
    "paid_at": _l("Paid at"),
    "collected_by": _l("Collected by"),
    "hand_in_due_at": _l("To hand in by"),
    "hand_in": _l("Hand-in sheet"),
    "invoice_title": _l("Invoice title"),
    "invoice_tax_number": _l("Tax number"),
    "invoice_requested_at": _l("Invoice requested at"),
    "invoice_number": _l("Invoice number"),
    "invoice_issued_at": _l("Invoice issued at"),
    "invoice_issued_by": _l("Invoice issued by"),
    "collector": _l("Collector"),
    "created_by": _l("Written by"),
    "handed_in_at": _l("Handed in at"),
    "total": _l("Total handed in"),
    "confirmed_amount": _l("Amount received"),
    "difference": _l("Difference"),
    "confirmed_at": _l("Confirmed at"),
    "confirmed_by": _l("Confirmed by"),
    "confirm_note": _l("Note"),
}


def money(view, context, model, name):
    value = getattr(model, name)
    return "" if value is None else f"{value:.2f}"


class PaymentView(ActionsMixin, SecureModelView):
    resource = "payment"
    machine = payments.PAYMENT
    record_actions = PAYMENT_ACTIONS
    details_template = "payments/payment_details.html"
    column_labels = PAYMENT_LABELS
    column_list = (
        "number",
        "estate",
        "work_order",
        "item",
        "amount",
        "state",
        "method",
        "collected_by",
        "paid_at",
        "hand_in",
        "invoice_requested_at",
        "invoice_issued_at",
    )
    details_groups = (
        (
            _l("Fee"),
            (
                "estate",
                "work_order",
                "move_in",
                "item",
                "amount",
                "state",
                "method",
                "number",
                "paid_at",
            ),
        ),
        (_l("Cash"), ("collected_by", "hand_in_due_at", "hand_in")),
        (
            _l("Invoice"),
            (
                "invoice_title",
                "invoice_tax_number",
                "invoice_requested_at",
                "invoice_number",
                "invoice_issued_at",
                "invoice_issued_by",
            ),
        ),
    )
    column_details_list = fields_of(details_groups)
    column_export_list = column_details_list
    column_formatters = {"amount": money}
    column_formatters_detail = {"amount": money}
    column_searchable_list = ("number",)
    column_sortable_list = ("number", "amount", "state", "method", "paid_at")
    column_default_sort = ("created_at", True)
    column_filters = (
        estate_filter(Payment),
        WorklistFilter(Payment, "payment"),
        "state",
        "method",
        "paid_at",
        "invoice_requested_at",
        "invoice_issued_at",
    )

    @expose("/receipt/")
    def receipt_view(self):
        """The printable receipt (收费凭证): A5, or an 80 mm slip for a pocket printer."""
        payment = self.get_one(request.args.get("id"))
        if payment.number is None:
            flash(gettext("Only a paid fee has a receipt."), "error")
            return redirect(url_for(".details_view", id=payment.id))
        size = request.args.get("size", "A5")
        return self.render(
            "payments/receipt.html",
            payment=payment,
            order=payment.work_order,
            size=size if size in RECEIPT_SIZES else "A5",
            sizes=RECEIPT_SIZES,
            in_words=amount_in_words(payment.amount),
            printed_at=clock.now().strftime("%Y-%m-%d %H:%M"),
        )


def sheet_by_method(view, context, model, name):
    parts = [
        Markup("{}: {:.2f}").format(method.label, amount)
        for method, amount in payments.by_method(model.payments).items()
        if amount
    ]
    return Markup(" · ").join(parts)


class HandInView(ActionsMixin, SecureModelView):
    resource = "cash_hand_in"
    machine = payments.HAND_IN
    record_actions = HAND_IN_ACTIONS
    details_template = "payments/hand_in_details.html"
    details_loads = (
        selectinload(CashHandIn.payments).options(
            lazyload("*"), joinedload(Payment.work_order).lazyload("*")
        ),
    )
    column_labels = {**PAYMENT_LABELS, "number": _l("Number"), "by_method": _l("By method")}
    column_list = (
        "number",
        "estate",
        "collector",
        "handed_in_at",
        "total",
        "status",
        "confirmed_amount",
        "difference",
        "confirmed_by",
    )
    details_groups = (
        (
            _l("Hand-in sheet"),
            (
                "number",
                "estate",
                "collector",
                "created_by",
                "handed_in_at",
                "total",
                "by_method",
                "status",
            ),
        ),
        (
            _l("Finance"),
            ("confirmed_amount", "difference", "confirmed_at", "confirmed_by", "confirm_note"),
        ),
    )
    details_sources = {"by_method": "total"}
    column_details_list = fields_of(details_groups)
    column_export_list = tuple(c for c in column_details_list if c != "by_method")
    column_formatters = {n: money for n in ("total", "confirmed_amount", "difference")}
    column_formatters_detail = {**column_formatters, "by_method": sheet_by_method}
    column_searchable_list = ("number",)
    column_sortable_list = ("number", "handed_in_at", "total", "status")
    column_default_sort = ("handed_in_at", True)
    column_filters = (estate_filter(CashHandIn), "status", "handed_in_at", "confirmed_at")

    def _estates(self):
        return scoped(db.session.query(Estate), Estate, current_user).order_by(Estate.name).all()

    @expose("/hand_in/", methods=("GET", "POST"))
    def hand_in_view(self):
        """The desk writes a sheet for a collector: who holds what, then his payments."""
        if not may(current_user, "cash_hand_in.create"):
            abort(403)
        estates = {e.id: e for e in self._estates()}
        held = fees.held_rows(list(estates))
        collector = estate = None
        if request.values.get("collector"):
            collector = db.session.get(
                Staff, validation.record_id(request.values.get("collector")) or 0
            )
            estate = estates.get(validation.record_id(request.values.get("estate")) or 0)
            if collector is None or estate is None or not estate_allowed(collector, estate.id):
                abort(404)
        if request.method == "POST" and collector is not None:
            ids = [int(i) for i in request.form.getlist("payment") if i.isdigit()]
            handed = saved(
                lambda: payments.hand_in(
                    current_user, collector=collector, estate_id=estate.id, payment_ids=ids
                ),
                lambda sheet: gettext("Hand-in sheet %(number)s written.", number=sheet.number),
            )
            if handed:
                return redirect(url_for(".details_view", id=handed.result.id))
        listed = []
        if collector is not None:
            listed = payments.with_orders(payments.held_by(collector.id, estate.id)).all()
        return self.render(
            "payments/hand_in_new.html",
            held=held,
            estates=estates,
            collector=collector,
            estate=estate,
            listed=listed,
            by_method=payments.by_method(listed),
            total=sum(p.amount for p in listed),
        )
