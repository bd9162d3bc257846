"""Why a file or a row cannot be imported, as a code and parameters.

Checks run in background jobs and the command line, where nobody's language is known, so a
problem is stored as [code, params] and rendered when a person reads it. A parameter named
`field` is a field name and is shown as that field's label.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from admin_app.residents.importing.columns import field_label
from admin_app.services import unit_reader
from admin_app.services.errors import ServiceError

MESSAGES = {
    # the file as a whole
    "empty_file": _l("The file is empty."),
    "file_too_large": _l("The file is larger than %(limit)s MB; split it into smaller files."),
    "too_many_rows": _l("The file has more than %(limit)s rows; split it into smaller files."),
    "not_a_table": _l("This is neither a CSV file nor an Excel workbook (.xlsx)."),
    "old_excel": _l("Old Excel files (.xls) cannot be read: save the sheet as .xlsx or CSV."),
    "bad_workbook": _l("The Excel workbook could not be read (damaged or password-protected?)."),
    "unknown_encoding": _l(
        "The text encoding of the file could not be recognised; save it as UTF-8."
    ),
    "no_data_rows": _l("The file has a header row but no residents below it."),
    "no_columns": _l("Columns are missing: %(fields)s."),
    "mapped_twice": _l("Two columns are matched to %(field)s."),
    "no_file": _l("Choose a file to import."),
    "not_ready": _l("This import is not waiting for confirmation."),
    "confirmed_before": _l("This import was already confirmed by %(name)s at %(time)s."),
    "collision": _l(
        "Someone changed the same residents while the import ran. Nothing was imported; "
        "check the file again."
    ),
    "job_failed": _l("The import failed unexpectedly. Nothing was imported."),
    "job_stalled": _l("The background work stopped without finishing. Nothing was imported."),
    # one row
    "required": _l("%(field)s is missing."),
    "too_long": _l("%(field)s is longer than %(limit)s characters."),
    "excel_number": _l(
        "%(field)s was turned into a number by Excel (%(value)s): format the column as text."
    ),
    "bad_phone": _l(
        "%(value)s is not a mainland mobile number (11 digits) or a landline with area code."
    ),
    "bad_id": _l("The ID number %(value)s is not valid (check the last character)."),
    "masked_id": _l(
        "The ID number is masked (%(value)s) and does not match the stored one: enter the full "
        "number or leave the cell empty."
    ),
    "bad_date": _l("%(field)s: %(value)s is not a date (use YYYY-MM-DD)."),
    "move_out_first": _l("The move-out date is before the move-in date."),
    "bad_role": _l("%(value)s is not a role (owner, tenant or family member)."),
    "bad_email": _l("%(value)s is not an e-mail address."),
    "bad_unit": _l("%(value)s is not a unit like 1-2-301 or 1栋2单元301."),
    "unit_disagrees": _l("%(value)s names another %(field)s than the row's other unit cells."),
    "other_estate": _l("This row belongs to %(value)s, not to %(estate)s."),
    "no_unit": _l("There is no unit %(unit)s in %(estate)s."),
    # stored before the unit reader said which units ("units"): rendered by unit_reader now
    "ambiguous_unit": _l("Several units match %(unit)s: fill in the entrance."),
    "no_key": _l("Give a phone number or an ID number, so the resident can be recognised."),
    "two_residents": _l(
        "The phone number belongs to one resident of this unit and the ID number to another."
    ),
    "conflicting_rows": _l("Rows %(rows)s describe the same resident differently."),
    "extra_cells": _l("The row has more cells than the header (a comma inside a value?)."),
}


@dataclass(frozen=True)
class Problem:
    code: str
    params: dict = field(default_factory=dict)

    def as_json(self) -> list:
        return [self.code, self.params]

    def __str__(self) -> str:
        return render(self.as_json())


def render(stored) -> str:
    """A stored [code, params] as a sentence in the current language."""
    code, params = stored[0], dict(stored[1] or {})
    message = MESSAGES.get(code)
    if message is None:
        return code
    if code == "ambiguous_unit" and params.get("units"):
        return unit_reader.ambiguity(params["unit"], [tuple(u) for u in params["units"]])
    if "field" in params:
        params["field"] = field_label(params["field"])
    if "fields" in params:
        params["fields"] = ", ".join(field_label(f) for f in params["fields"])
    try:
        return str(message) % params if params else str(message)
    except (KeyError, ValueError, TypeError):  # a stored problem from an older version
        return str(message)


class ImportRefused(ServiceError):
    """The whole file (or the request) is refused; nothing was changed."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(MESSAGES[code], **params)
        self.problem = Problem(code, params)

    def __str__(self) -> str:
        return str(self.problem)
