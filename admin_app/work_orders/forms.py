"""Forms for the work-order steps (the parameters each verb needs)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf.i18n import translations as wtf_translations
from wtforms import (
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from admin_app.models import PaymentMethod, Satisfaction, Trade
from admin_app.panel.dates import DateTimeField, appointment_choices, now_choice
from admin_app.panel.fields import ColumnRange, date_within
from admin_app.panel.forms import TEXT, CleanForm, _CleanMeta

# An amount of money as the columns hold it (NUMERIC(10, 2)): 0 to 99,999,999.99, finite.
# (Beyond it the database refused the row: a bare error page instead of a word on the field.)
AMOUNT = ColumnRange(Decimal(0), Decimal("99999999.99"), places=2)


class DispatchForm(CleanForm):
    technician = SelectField(
        _l("Technician"),
        coerce=int,
        validators=[InputRequired()],
        description=_l("Technicians of the estate and trade, with their open orders."),
    )
    appointment_at = DateTimeField(
        _l("Appointment"),
        validators=[Optional(), date_within],
        quick=appointment_choices,
        description=_l(
            "Agreed with the resident. Emergencies need none: they must be reached "
            "within 15 minutes."
        ),
    )


# A quantity: more than nothing, as the line's column holds it.
QUANTITY = ColumnRange(Decimal("0.01"), Decimal("99999999.99"), places=2)
TYPED = "typed"  # the item choice of a line typed outside the price list
MAX_LINES = 30


class QuoteLineForm(Form):
    """One line of the quote: a price-list item (or "typed"), how many, and the prices per
    unit, which start as the item's (left empty, the item's are used)."""

    class Meta(_CleanMeta):
        def get_translations(self, form):
            # A plain wtforms Form (a subform carries no CSRF token of its own) does not get
            # Flask-WTF's translations: WTForms' own messages ("Not a valid decimal value.")
            # would stay English on a Chinese page.
            return wtf_translations

    item = SelectField(_l("Item"), choices=[], validate_choice=False)
    quantity = DecimalField(
        _l("Quantity"), places=2, default=Decimal(1), validators=[Optional(), QUANTITY]
    )
    labour = DecimalField(_l("Labour per unit"), places=2, validators=[Optional(), AMOUNT])
    materials = DecimalField(_l("Materials per unit"), places=2, validators=[Optional(), AMOUNT])
    description = StringField(_l("Work (typed)"), validators=[Optional(), Length(max=100)])
    reason = StringField(
        _l("Why not from the price list"), validators=[Optional(), Length(max=200)]
    )

    def is_blank(self) -> bool:
        return not self.item.data and not (self.description.data or "").strip()


class QuoteForm(CleanForm):
    lines = FieldList(FormField(QuoteLineForm), min_entries=1, max_entries=MAX_LINES)


class DamageForm(CleanForm):
    damage = TextAreaField(
        _l("Damage found on arrival"),
        validators=TEXT,
        description=_l("Written down before any work; the resident sees it with the quote."),
    )


class NextVisitForm(CleanForm):
    next_visit_at = DateTimeField(
        _l("Next visit"), validators=[InputRequired(), date_within], quick=appointment_choices
    )
    notes = TextAreaField(_l("Why the work cannot be finished now"), validators=TEXT)


class FinishForm(CleanForm):
    notes = TextAreaField(_l("Work notes"), validators=[Optional(), Length(max=2000)])


class ReworkForm(CleanForm):
    notes = TextAreaField(
        _l("What the resident found not done"),
        validators=TEXT,
        description=_l("Nothing is signed: the work goes on until the resident accepts it."),
    )


# Paid on the spot by one of the methods, or later at the office (payments/operations.py).
PAY_AT_OFFICE = "office"
PAYMENT_CHOICES = [*PaymentMethod.choices(), (PAY_AT_OFFICE, _l("To pay at the office"))]


class SignatureForm(CleanForm):
    signer_name = StringField(_l("Signed by"), validators=[DataRequired(), Length(max=50)])
    fee = DecimalField(_l("Fee collected"), places=2, validators=[Optional(), AMOUNT])
    payment = RadioField(
        _l("Payment"),
        choices=PAYMENT_CHOICES,
        validators=[Optional()],
        description=_l("How the resident pays the fee (none: leave it empty)."),
    )
    # Asked before he signs (第二十二条); the desk's call the next day reads it.
    opinion = TextAreaField(
        _l("Opinions and suggestions"),
        validators=[Optional(), Length(max=1000)],
        description=_l(
            "Ask the resident what he thinks of the service and write it down as said; "
            "leave it empty if he has nothing to add."
        ),
    )
    signature = HiddenField(
        validators=[DataRequired(message=_l("The resident has not signed yet."))]
    )


# What each score means to the resident on the phone (the revisit's 1-5 scale).
RATING_WORDS = {
    1: _l("Very dissatisfied"),
    2: _l("Dissatisfied"),
    3: _l("Neutral"),
    4: _l("Satisfied"),
    5: _l("Very satisfied"),
}


def rating_label(score: int) -> LazyString:
    """The score and its word ("4 满意"), in the language of the page that shows it."""
    return LazyString(lambda: f"{score} {RATING_WORDS[score]}")


RATING_CHOICES = [(str(n), rating_label(n)) for n in RATING_WORDS]


class RevisitForm(CleanForm):
    rating_timeliness = RadioField(
        _l("Timeliness"), choices=RATING_CHOICES, validators=[InputRequired()]
    )
    rating_quality = RadioField(_l("Quality"), choices=RATING_CHOICES, validators=[InputRequired()])
    rating_fee = RadioField(
        _l("Fee reasonableness"), choices=RATING_CHOICES, validators=[InputRequired()]
    )
    rating_attitude = RadioField(
        _l("Attitude"), choices=RATING_CHOICES, validators=[InputRequired()]
    )
    satisfaction = RadioField(
        _l("Overall judgement"), choices=Satisfaction.choices, validators=[InputRequired()]
    )
    comment = TextAreaField(_l("Revisit comment"), validators=[Optional(), Length(max=2000)])
    called_at = DateTimeField(
        _l("Called at"), validators=[Optional(), date_within], quick=now_choice
    )


class PassOnForm(CleanForm):
    """The technician passes his order on: to whom (colleagues of the estate and trade, best
    placed first) and why."""

    colleague = SelectField(
        _l("Colleague"),
        coerce=int,
        validators=[InputRequired()],
        description=_l("Colleagues of the estate and trade, the least busy first."),
    )
    reason = TextAreaField(_l("Reason"), validators=TEXT)


class ChaseForm(CleanForm):
    """A resident chases the order (催单): who called and what they said (the time is now)."""

    caller = StringField(_l("Who called"), validators=[Optional(), Length(max=50)])
    note = TextAreaField(_l("What they said"), validators=[Optional(), Length(max=2000)])


class DispatchSettingsMixin:
    """On the estate form: which trades dispatch automatically (estate.auto_dispatch), beside
    the round-robin switch (a column of the form)."""

    def scaffold_form(self):
        form_class = super().scaffold_form()
        form_class.auto_dispatch = SelectMultipleField(
            _l("Dispatch automatically"),
            choices=Trade.choices(),
            validators=[Optional()],
            description=_l(
                "New orders of these trades go at once to the first-ranked technician "
                "(emergencies, and orders with an agreed appointment)."
            ),
        )
        return form_class
