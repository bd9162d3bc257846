"""How values look and are edited in the panel: translated enum labels, dates, money."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import re

from flask_admin.contrib.sqla.filters import FilterConverter
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import Select2Field
from flask_admin.model import filters as filter_tools
from flask_admin.model import typefmt
from flask_admin.model.form import converts
from flask_babel import gettext
from markupsafe import Markup
from wtforms.validators import ValidationError

from admin_app.models.base import Choice
from admin_app.panel import dates
from admin_app.panel import flask_admin_private as private


def _enum_class(column):
    return getattr(column.type, "enum_class", None)


class ChoiceModelConverter(AdminModelConverter):
    """Enum columns become a select of translated labels that stores the enum member."""

    @converts("sqlalchemy.sql.sqltypes.Enum")
    def convert_enum(self, column, field_args, **extra):
        enum_cls = _enum_class(column)
        if not (isinstance(enum_cls, type) and issubclass(enum_cls, Choice)):
            return super().convert_enum(column=column, field_args=field_args, **extra)
        private.nullable_common(self, column, field_args)
        field_args["choices"] = [(m.value, m.label) for m in enum_cls]
        field_args["coerce"] = lambda v: (
            v if v in (None, "") or isinstance(v, enum_cls) else enum_cls(v)
        )
        field_args["allow_blank"] = bool(column.nullable)
        return Select2Field(**field_args)

    # Numbers are held to what the column can store: beyond it the database refuses the row
    # and the person would get "could not be saved" instead of a word on the field.
    @converts("Integer")
    def handle_integer_types(self, column, field_args, **extra):
        field_args["validators"].append(ColumnRange(-(2**31), 2**31 - 1))
        return super().handle_integer_types(column=column, field_args=field_args, **extra)

    # Dates are typed and picked as the panel prints them (Flask-Admin's own add seconds).
    @converts("Date")
    def convert_date(self, field_args, **extra):
        field_args["validators"].append(date_within)
        return dates.DateField(**field_args)

    @converts("DateTime")
    def convert_datetime(self, field_args, **extra):
        field_args["validators"].append(date_within)
        return dates.DateTimeField(**field_args)

    @converts("Numeric")
    def handle_decimal_types(self, column, field_args, **extra):
        precision = getattr(column.type, "precision", None)
        scale = getattr(column.type, "scale", None) or 0
        if precision:
            largest = decimal.Decimal(10) ** (precision - scale) - decimal.Decimal(10) ** -scale
            field_args["validators"].append(ColumnRange(-largest, largest, places=scale))
        return super().handle_decimal_types(column=column, field_args=field_args, **extra)


class ColumnRange:
    """A finite number the column can hold (after rounding to its decimal places)."""

    def __init__(self, smallest, largest, places: int | None = None):
        self.smallest, self.largest, self.places = smallest, largest, places

    def __call__(self, form, field):
        value = field.data
        if value is None:
            return
        if isinstance(value, decimal.Decimal):
            if not value.is_finite():
                raise ValidationError(gettext("Enter a number."))
            if self.places is not None and self.smallest - 1 < value < self.largest + 1:
                value = value.quantize(decimal.Decimal(1).scaleb(-self.places))
        if not self.smallest <= value <= self.largest:
            raise ValidationError(
                gettext(
                    "Enter a number between %(min)s and %(max)s.",
                    min=self.smallest,
                    max=self.largest,
                )
            )


class DateWithin:
    """A date (or the date of a datetime) in the years an office's records can name. Beyond
    them a deadline computed from it (the next morning, the day after) cannot be written."""

    FIRST, LAST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)

    def __call__(self, form, field):
        value = field.data
        if value is None:
            return
        day = value.date() if isinstance(value, dt.datetime) else value
        if not self.FIRST <= day <= self.LAST:
            raise ValidationError(
                gettext(
                    "Enter a date between %(first)s and %(last)s.",
                    first=self.FIRST.isoformat(),
                    last=self.LAST.isoformat(),
                )
            )


# Every date a person types, in a record's form or a step's form.
date_within = DateWithin()


class ChoiceFilterConverter(FilterConverter):
    @filter_tools.convert("enum")
    def conv_enum(self, column, name, options=None, **kwargs):
        enum_cls = _enum_class(column)
        if not options and isinstance(enum_cls, type) and issubclass(enum_cls, Choice):
            # The member itself as the label: its str() is the translation, cached per request.
            options = [(m.value, _Label(m)) for m in enum_cls]
        filters = super().conv_enum(column, name, options, **kwargs)
        for flt in filters or ():
            _unknown_member_is_invalid(flt)
        return filters

    @filter_tools.convert("datetime", "datetime2", "timestamp", "smalldatetime")
    def conv_datetime(self, column, name, **kwargs):
        filters = super().conv_datetime(column, name, **kwargs)
        for flt in filters or ():
            _minutes_are_enough(flt)
        return filters


def _minutes_are_enough(flt) -> None:
    """A moment in a filter is picked and shown as the panel prints it (2026-11-23 14:00);
    Flask-Admin reads only its own spelling with seconds, which older links still send."""
    clean, validate = flt.clean, flt.validate

    def with_seconds(value):
        parts = str(value).split(" to ")
        return " to ".join(p + ":00" if _TO_THE_MINUTE.fullmatch(p) else p for p in parts)

    flt.clean = lambda value: clean(with_seconds(value))
    flt.validate = lambda value: validate(with_seconds(value))


_TO_THE_MINUTE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def _unknown_member_is_invalid(flt) -> None:
    """Flask-Admin's enum filters look the URL's value up by name and let the KeyError out
    (?flt0_status_equals=junk was a 500 on the list and the batch confirmation); as a
    ValueError it is an invalid filter value, which the list ignores and says so."""
    clean = flt.clean

    def checked(value):
        try:
            return clean(value)
        except KeyError:
            raise ValueError(value) from None

    flt.clean = checked


class _Label:
    def __init__(self, member):
        self.member = member

    def __str__(self) -> str:
        return str(self.member)


def _choice(view, value, name=None):
    return str(value) if isinstance(value, Choice) else value.name


def _datetime(view, value, name=None):
    return value.strftime(dates.DATETIME)


def _date(view, value, name=None):
    return value.strftime(dates.DATE)


def _decimal(view, value, name=None):
    return f"{value:.2f}"


def _bool_text(view, value, name=None):
    return gettext("Yes") if value else gettext("No")


def _bool_icon(view, value, name=None):
    """Flask-Admin's tick or dash, named in the page's language: its own tooltip reads
    "is_emergency: false", the column's code name."""
    icon = "fa-check-circle" if value else "fa-minus-circle"
    return Markup('<span class="fa {}" title="{}" aria-label="{}" role="img"></span>').format(
        icon, _bool_text(view, value), _bool_text(view, value)
    )


TYPE_FORMATTERS = {
    enum.Enum: _choice,
    dt.datetime: _datetime,
    dt.date: _date,
    decimal.Decimal: _decimal,
    **typefmt.BASE_FORMATTERS,
    bool: _bool_icon,
}
TYPE_FORMATTERS[enum.Enum] = _choice


def _lines(view, value, name=None):
    """Text typed over several lines (work notes, one dated line per visit; a release's item
    list; review notes) keeps its lines on the details page."""
    if "\n" not in value:
        return value
    return Markup("<br>").join(value.splitlines())


DETAIL_FORMATTERS = {**TYPE_FORMATTERS, str: _lines}

EXPORT_FORMATTERS = {
    enum.Enum: _choice,
    dt.datetime: _datetime,
    dt.date: _date,
    decimal.Decimal: _decimal,
    bool: _bool_text,
    type(None): lambda view, value, name=None: "",
}


class InlineChoices:
    """A RadioField's choices side by side, each a Bootstrap form-check, for the Flask-Admin
    forms: they render a field with `class="form-control"`, which on WTForms' list of radios
    made a bulleted list inside a text box, running over the next field and blocking its
    clicks. The group is named by the field's label."""

    def __call__(self, field, **kwargs):
        choices = Markup("").join(
            Markup('<div class="form-check form-check-inline">{} {}</div>').format(
                option(class_="form-check-input"), option.label(class_="form-check-label")
            )
            for option in field
        )
        return Markup(
            '<div id="{}" class="pt-1" role="radiogroup" aria-label="{}">{}</div>'
        ).format(field.id, field.label.text, choices)
