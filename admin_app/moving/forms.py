"""The move-in and move-out forms: what each step asks for, read from the posted page."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from admin_app.models import MoveInStage, PaymentMethod, ResidentRole
from admin_app.moving.operations import DEFECTS_MAX, Document
from admin_app.panel.forms import CleanForm
from admin_app.services.errors import ServiceError

FEE_LINES = 6  # the lines the fee step shows (property fee, deposit, cards, …)


class StartForm(CleanForm):
    unit = StringField(
        _l("Unit"),
        validators=[Length(max=60)],
        description=_l("e.g. building 3, entrance 1, room 601: 3-1-601"),
    )
    # Owner or tenant (role below): the one the household's papers are in the name of.
    name = StringField(_l("Name of the resident moving in"), validators=[Length(max=50)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=20)])
    role = SelectField(
        _l("Moving in as"), choices=ResidentRole.choices(), default=ResidentRole.owner.value
    )


class StepForm(CleanForm):
    """Every step's fields; the page shows those of the step at hand."""

    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=500)])
    document = FileField(_l("Scan or photo of the document"))
    id_copy = FileField(_l("Scan or photo of the ID copy"))
    phone = StringField(_l("Phone (if changed)"), validators=[Optional(), Length(max=20)])
    plans_renovation = BooleanField(_l("The owner plans to renovate"))
    method = SelectField(
        _l("Payment method"), choices=[("", "—"), *PaymentMethod.choices()], default=""
    )
    defects = TextAreaField(
        _l("Defects found (one a line; each becomes a repair ticket)"),
        validators=[Optional(), Length(max=4000)],
    )
    reason = StringField(_l("Why cancelled"), validators=[Optional(), Length(max=500)])

    def the_document(self, limit: int, field: str = "document") -> Document | None:
        upload = self[field].data
        if not getattr(upload, "filename", ""):
            return None
        return Document(filename=upload.filename, data=upload.read(limit + 1))

    def defect_lines(self) -> list[str]:
        lines = [line.strip() for line in (self.defects.data or "").splitlines() if line.strip()]
        return lines[: DEFECTS_MAX + 1]


def stage_of(value) -> MoveInStage:
    """The step named by the page; anything else is a clear error."""
    if value not in {s.value for s in MoveInStage}:
        raise ServiceError(_l("Only a done step's document can be attached again."))
    return MoveInStage(value)


def fee_lines(values) -> list[tuple[str, Decimal | None]]:
    """The fee lines posted as fee_item_N / fee_amount_N; a bad amount is a clear error."""
    lines = []
    for n in range(FEE_LINES):
        item = (values.get(f"fee_item_{n}") or "").strip()[:100]
        raw = (values.get(f"fee_amount_{n}") or "").strip()
        if not item and not raw:
            continue
        try:
            amount = Decimal(raw) if raw else None
        except InvalidOperation:
            raise ServiceError(_l("“%(amount)s” is not an amount."), amount=raw[:20]) from None
        if amount is not None and (not amount.is_finite() or abs(amount) >= Decimal("1e8")):
            raise ServiceError(_l("“%(amount)s” is not an amount."), amount=raw[:20])
        lines.append((item, amount))
    return lines


class MoveOutForm(CleanForm):
    unit = StringField(_l("Unit"), validators=[Length(max=60)])
    keys_returned = BooleanField(_l("The keys are returned (needed when nobody stays)"))
    items = TextAreaField(
        _l("Furniture and large items going out (a release pass is applied for)"),
        validators=[Optional(), Length(max=2000)],
    )
    moving_date = DateField(_l("Moving date"), validators=[Optional()])


def leaving_ids(values) -> list[int]:
    """The residents ticked as leaving (leaving=<id>, repeated); anything else is ignored."""
    return [int(v) for v in values.getlist("leaving") if v.isascii() and v.isdigit()][:100]
