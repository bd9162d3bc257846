"""Payments (收费): fees settled when a work order closes, receipts, invoices, the money each
collector hands in to finance, the daily cash table and the fee statistics."""

from __future__ import annotations


def register(admin) -> None:
    """Fees, hand-in sheets, the daily cash table and the fee statistics, under their section."""
    # Imported here, not above: importing a verb (payments.operations) runs this package
    # first, and a verb must never pull in the screens.
    from flask_admin.menu import MenuLink
    from flask_babel import lazy_gettext as _l
    from flask_login import current_user

    from admin_app.auth.permissions import may
    from admin_app.extensions import db
    from admin_app.models import CashHandIn, Payment
    from admin_app.panel.menu import FEES
    from admin_app.payments.reports import CashDailyView, FeeStatisticsView
    from admin_app.payments.views import HandInView, PaymentView

    admin.add_view(PaymentView(Payment, db, name=_l("Fees"), category=FEES, endpoint="payment"))
    admin.add_view(
        HandInView(
            CashHandIn, db, name=_l("Hand-in sheets"), category=FEES, endpoint="cash_hand_in"
        )
    )

    class DeskHandInLink(MenuLink):
        """The desk writes a collector's sheet here; a technician uses his phone page."""

        def is_accessible(self) -> bool:
            return may(current_user, "cash_hand_in.create") and current_user.role.value != (
                "technician"
            )

    admin.add_link(
        DeskHandInLink(
            name=_l("Hand in collections"), url="/admin/cash_hand_in/hand_in/", category=FEES
        )
    )
    admin.add_view(
        CashDailyView(
            name=_l("Daily cash table"), category=FEES, endpoint="cash_daily", url="cash_daily"
        )
    )
    admin.add_view(
        FeeStatisticsView(
            name=_l("Fee statistics"),
            category=FEES,
            endpoint="fee_statistics",
            url="fee_statistics",
        )
    )


def register_pages(app) -> None:
    """The technician's money page at /tech/cash/."""
    from admin_app.payments.phone import bp

    app.register_blueprint(bp)
