"""The estate's price list (收费标准): what each paid job costs, valid from a date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from admin_app.extensions import db
from admin_app.models.base import Choice, EstateScoped, TimestampMixin, choice_column
from admin_app.models.staff import Trade


class PriceUnit(Choice):
    time = "time", _l("job")  # 次: a cleaning, a visit ("80.00 / job", not "/ time")
    piece = "piece", _l("piece")
    metre = "metre", _l("metre")
    hour = "hour", _l("hour")
    square_metre = "square_metre", _l("square metre")


class PriceItem(EstateScoped, TimestampMixin, db.Model):
    """One price of one item. A new price is a new row valid from a later date: the row in
    force on a day is the latest one valid by then (quotes copy the price, so old quotes
    keep theirs)."""

    __tablename__ = "price_item"
    __table_args__ = (
        Index(
            "ix_price_item_estate_kind_name_valid",
            "estate_id",
            "kind",
            "name",
            "valid_from",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Trade] = mapped_column(choice_column(Trade))
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[PriceUnit] = mapped_column(choice_column(PriceUnit), default=PriceUnit.time)
    # Empty until the office sets it (the pre-filled cleaning items): not offered until then.
    labour_price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    materials_price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    valid_from: Mapped[date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(String(200))

    def __str__(self) -> str:
        return self.name or ""
