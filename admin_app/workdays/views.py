"""The working-day calendar (工作日) of each estate: a supervisor sees this year's and next
year's statutory holidays and make-up days, and adds the estate's own days — a local holiday,
a make-up Saturday, a holiday the office works after all. Every deadline counted in working
days (the home-visit answer, the next-day revisit, the cash hand-in) reads it.

Fewest steps: Working days → New → estate, day, working or not → Save.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import Length, Optional

from admin_app import clock
from admin_app.models import WorkdayOverride
from admin_app.panel.base import SecureModelView
from admin_app.panel.fields import date_within
from admin_app.panel.filters import estate_filter
from admin_app.panel.labels import LABELS
from admin_app.panel.lookups import ESTATE_LOOKUP
from admin_app.services.calendar.defaults import STATUTORY


def working_label(view, context, model, name):
    return _l("Working day") if model.working else _l("Day off")


def statutory_days(years) -> list[dict]:
    """The statutory calendar's days off and make-up days of these years, in date order."""
    rows = []
    for year in years:
        off, on = STATUTORY.get(year, (frozenset(), frozenset()))
        rows += [{"day": d, "working": False} for d in off]
        rows += [{"day": d, "working": True} for d in on]
    return sorted(rows, key=lambda r: r["day"])


class WorkdayOverrideView(SecureModelView):
    resource = "workday_override"
    list_template = "admin/wuye/workday_list.html"
    column_labels = {
        **LABELS,
        "day": _l("Day"),
        "working": _l("Working day"),
        "note": _l("Note"),
    }
    column_descriptions = {
        "working": _l(
            "Ticked: the office works that day (a make-up day). Not ticked: a day off (a "
            "local holiday), whatever the weekday and the statutory calendar say."
        ),
    }
    column_list = ("estate", "day", "working", "note")
    column_formatters = {"working": working_label}
    column_sortable_list = ("day",)
    column_default_sort = ("day", False)
    column_filters = (estate_filter(WorkdayOverride), "day", "working")
    form_columns = ("estate", "day", "working", "note")
    form_args = {
        "day": {"validators": [date_within]},
        "note": {"validators": [Optional(), Length(max=100)]},
    }
    form_ajax_refs = {"estate": ESTATE_LOOKUP}
    integrity_messages = (
        (("day",), _l("This estate already has that day: change the existing line.")),
    )

    def render(self, template, **kwargs):
        if template == self.list_template:
            year = clock.today().year
            kwargs["statutory_years"] = (year, year + 1)
            kwargs["statutory_days"] = statutory_days((year, year + 1))
            kwargs["weekday_names"] = WEEKDAYS
        return super().render(template, **kwargs)


WEEKDAYS = (
    _l("Mon"),
    _l("Tue"),
    _l("Wed"),
    _l("Thu"),
    _l("Fri"),
    _l("Sat"),
    _l("Sun"),
)
