"""Estate (小区/项目): the unit of scope. Every record belongs to one; staff see only theirs."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, String, false
from sqlalchemy.orm import Mapped, mapped_column

from admin_app.extensions import db
from admin_app.models.base import Choice, TimestampMixin, choice_column


class ReleaseApprover(Choice):
    """Who approves a large-item release slip (大件物品放行条) in the estate."""

    supervisor = "supervisor", _l("A supervisor")
    receptionist = "receptionist", _l("The front desk (receptionist)")


class Estate(TimestampMixin, db.Model):
    __tablename__ = "estate"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    # The published hotline (16 hours a day) and the 24-hour duty line.
    service_phone: Mapped[str] = mapped_column(String(32), default="")
    duty_phone: Mapped[str] = mapped_column(String(32), default="")
    # Dispatch (work_orders/dispatching.py): the trades whose new orders go to the first-ranked
    # technician at once (comma-separated trade codes), and whether technicians of a trade
    # take turns rather than the least busy first.
    auto_dispatch_trades: Mapped[str] = mapped_column(String(200), default="", server_default="")
    dispatch_round_robin: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    @property
    def auto_dispatch(self) -> set[str]:
        """The trade codes whose new orders are dispatched at once."""
        return {code for code in (self.auto_dispatch_trades or "").split(",") if code}

    @auto_dispatch.setter
    def auto_dispatch(self, codes) -> None:
        self.auto_dispatch_trades = ",".join(
            sorted({str(getattr(c, "value", c)) for c in codes or ()})
        )

    # The estate's settings (views/estate_settings.py).
    release_approver: Mapped[ReleaseApprover] = mapped_column(
        choice_column(ReleaseApprover),
        default=ReleaseApprover.supervisor,
        server_default=ReleaseApprover.supervisor.value,
    )
    # Residents may accept or refuse a quote on their own pages (/r/) instead of only at the
    # door: off until the office decides its quotes are clear enough to be read alone.
    remote_quote_acceptance: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    def __str__(self) -> str:
        return self.name
