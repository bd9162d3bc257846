"""One date and time field for every form: the panel's printed format, its picker, quick choices."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Callable, Iterable

from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from wtforms import fields
from wtforms.widgets import TextInput

from admin_app import clock

# How the panel prints a day and a moment (lists, details, exports), and how a person types them.
DATE = "%Y-%m-%d"
DATETIME = "%Y-%m-%d %H:%M"
# The same two in the picker's (moment.js) spelling.
PICKER_DATE = "YYYY-MM-DD"
PICKER_DATETIME = "YYYY-MM-DD HH:mm"
# Also read: a browser's own datetime-local value and Flask-Admin's default with seconds, which
# older pages, bookmarks and scripts still send.
DATETIME_ACCEPTED = [DATETIME, "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"]

# A quick choice: its label and the value it puts in the field, worked out when the form is shown.
QuickChoices = Callable[[], Iterable[tuple[str, dt.date]]]


class PickerInput(TextInput):
    """A text input the panel's picker opens on (static/js/date-picker.js): typeable, in the
    printed format, with the field's quick choices as buttons under the calendar."""

    def __init__(self, role: str, picker_format: str, value_format: str, hint):
        super().__init__()
        self.role, self.picker_format, self.value_format = role, picker_format, value_format
        self.hint = hint

    def __call__(self, field, **kwargs):
        kwargs.setdefault("data-role", self.role)
        kwargs.setdefault("data-date-format", self.picker_format)
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("placeholder", str(self.hint))
        quick = getattr(field, "quick", None)
        if quick:
            choices = [[str(label), value.strftime(self.value_format)] for label, value in quick()]
            kwargs.setdefault("data-quick", json.dumps(choices, ensure_ascii=False))
        return super().__call__(field, **kwargs)


DATE_INPUT = PickerInput("datepicker", PICKER_DATE, DATE, _l("YYYY-MM-DD"))
DATETIME_INPUT = PickerInput("datetimepicker", PICKER_DATETIME, DATETIME, _l("YYYY-MM-DD hh:mm"))


class DateField(fields.DateField):
    """A day, typed or picked as the panel prints it (2026-11-23)."""

    widget = DATE_INPUT

    def __init__(self, label=None, validators=None, format=DATE, quick=None, **kwargs):  # noqa: A002
        super().__init__(label, validators, format=format, **kwargs)
        self.quick = quick


class DateTimeField(fields.DateTimeField):
    """A moment to the minute, typed or picked as the panel prints it (2026-11-23 14:00)."""

    widget = DATETIME_INPUT

    def __init__(self, label=None, validators=None, format=None, quick=None, **kwargs):  # noqa: A002
        super().__init__(label, validators, format=format or DATETIME_ACCEPTED, **kwargs)
        self.quick = quick


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


def _slots(today_hour: int, next_hours: tuple[int, int], working=None):
    """This afternoon (while it is still ahead), then the next day's morning and afternoon.
    With a `working` calendar: this afternoon only on a working day, and the next working
    day, named with its date when it is not tomorrow (Monday's, seen on a Friday)."""
    now = clock.now()
    today = now.date()
    if (working is None or working.is_working_day(today)) and now < _at(today, today_hour):
        yield _l("This afternoon"), _at(today, today_hour)
    tomorrow = today + dt.timedelta(days=1)
    day = tomorrow if working is None else working.next_working_day(today)
    if day == tomorrow:
        yield _l("Tomorrow morning"), _at(day, next_hours[0])
        yield _l("Tomorrow afternoon"), _at(day, next_hours[1])
        return
    named = format_date(day, "EEE M-d")
    yield gettext("%(day)s morning", day=named), _at(day, next_hours[0])
    yield gettext("%(day)s afternoon", day=named), _at(day, next_hours[1])


def due_by_choices():
    """A deadline ("call back by"): the end of the half day."""
    return _slots(17, (12, 17))


def appointment_choices():
    """A visit: the start of the half day."""
    return _slots(14, (9, 14))


def office_visit_choices():
    """A visit in office hours (a home visit): the half days of working days, not a Saturday
    the booking would refuse. The national calendar: an estate's own days off are few, and
    the verb still checks them."""
    # Not above: the calendar's module reads the database's models, which use these fields.
    from admin_app.services.calendar import STATUTORY

    return _slots(14, (9, 14), STATUTORY)


def now_choice():
    yield _l("Now"), clock.now()


def start_choices():
    today = clock.today()
    yield _l("Today"), today
    yield _l("Tomorrow"), today + dt.timedelta(days=1)


def validity_choices():
    """A pass's or permit's last day: a week or a month from today."""
    today = clock.today()
    yield _l("In a week"), today + dt.timedelta(days=7)
    yield _l("In a month"), add_months(today, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day so many months on, or the month's last day when it has no such day."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
