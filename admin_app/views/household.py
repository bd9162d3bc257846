"""The household's file on a unit's and a resident's details page (services/household.py)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from admin_app.archive.views import ArchiveMixin
from admin_app.auth.permissions import CREATE, VIEW, allowed
from admin_app.panel.labels import LABELS
from admin_app.resident_notices import settings as notice_settings
from admin_app.services import household
from admin_app.text import one_line

TITLES = {
    "residents": _l("Residents (%(num)d)"),
    "tickets": _l("Tickets (%(num)d)"),
    "complaints": _l("Complaints (%(num)d)"),
    "work_orders": _l("Work orders (%(num)d)"),
    "renovations": _l("Renovations (%(num)d)"),
    "worker_passes": _l("Worker passes (%(num)d)"),
    "vehicle_passes": _l("Vehicle passes (%(num)d)"),
    "release_passes": _l("Large-item releases (%(num)d)"),
}

# Each section's columns; the first is the link to the record. Phones appear where the
# resident list shows them; ID numbers never (the details page shows them masked).
COLUMNS = {
    "residents": ("name", "role", "phone", "move_in", "move_out"),
    "tickets": ("number", "received_at", "category", "status", "reporter_name", "description"),
    "complaints": ("number", "received_at", "complaint_code", "severity", "status"),
    "work_orders": ("number", "created_at", "trade", "status", "description"),
    "renovations": ("number", "planned_start", "planned_end", "status", "contractor"),
    "worker_passes": ("number", "worker_name", "company", "valid_until", "status"),
    "vehicle_passes": ("number", "plate", "valid_until", "status"),
    "release_passes": ("number", "applicant_name", "moving_date", "status"),
}

# The list filters that narrow a section's list beyond the unit or resident (by URL name).
SECTION_FILTERS = {
    "tickets": {"category_not_equal": "complaint"},
    "complaints": {"category_equals": "complaint"},
}

SHORT_TEXT = 40


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return one_line(str(value), SHORT_TEXT)


@dataclass
class Row:
    url: str
    cells: list


@dataclass
class ShownSection:
    key: str
    title: str
    headers: list
    rows: list
    count: int
    list_url: str

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


@dataclass
class HouseholdFile:
    sections: list
    new_ticket_url: str | None
    unit_url: str | None = None


def _shown(section: household.Section, by: dict) -> ShownSection:
    columns = COLUMNS[section.key]
    args = {f"flt0_{name}": pk for name, pk in by.items()}
    for i, (name, value) in enumerate(SECTION_FILTERS.get(section.key, {}).items(), 1):
        args[f"flt{i}_{name}"] = value
    return ShownSection(
        key=section.key,
        title=str(TITLES[section.key]) % {"num": section.count},
        headers=[str(LABELS[c]) for c in columns],
        rows=[
            Row(
                url_for(f"{section.resource}.details_view", id=record.id),
                [cell(getattr(record, c)) for c in columns],
            )
            for record in section.records
        ],
        count=section.count,
        list_url=url_for(f"{section.resource}.index_view", **args),
    )


def _new_ticket_url(**prefill) -> str | None:
    if not allowed(current_user, "ticket", CREATE):
        return None
    return url_for("ticket.create_view", **prefill, url=request.full_path)


class HouseholdFileMixin(ArchiveMixin):
    """For the unit and resident views: their details page shows the household's file and
    its documents (archive/views.py)."""

    details_template = "admin/wuye/household_details.html"

    def household_file(self, model) -> HouseholdFile:
        raise NotImplementedError

    def household_texts(self, model) -> str:
        """Whether the household gets texts about its repairs, and in which language (the
        resident chooses on their own pages: resident_notices/settings.py)."""
        return notice_settings.describe(getattr(model, "unit_id", None) or model.id)


class UnitFileMixin(HouseholdFileMixin):
    def household_file(self, unit) -> HouseholdFile:
        sections = household.for_unit(current_user, unit.id)
        return HouseholdFile(
            [_shown(s, {"unit": unit.id}) for s in sections],
            _new_ticket_url(unit=unit.id),
        )


class ResidentFileMixin(HouseholdFileMixin):
    def household_file(self, resident) -> HouseholdFile:
        sections = household.for_resident(current_user, resident)
        unit_url = None
        if allowed(current_user, "unit", VIEW):
            unit_url = url_for("unit.details_view", id=resident.unit_id)
        return HouseholdFile(
            [
                _shown(
                    s,
                    {"unit": resident.unit_id}
                    if s.key == "residents"
                    else {"resident": resident.id},
                )
                for s in sections
            ],
            _new_ticket_url(unit=resident.unit_id, resident=resident.id),
            unit_url,
        )
