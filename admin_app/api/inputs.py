"""Reading a request's JSON body and query string: each value checked, each fault named in
the caller's language (422 with the fields at fault)."""

from __future__ import annotations

from datetime import date, datetime

from flask import request
from flask_babel import gettext

from admin_app import clock
from admin_app.api.errors import ApiError

MAX_PAGE_SIZE = 100


class Reader:
    """Values of one source (the body or the query), faults collected: `done()` raises them
    all at once, so a caller fixes every field in one go."""

    def __init__(self, source: dict) -> None:
        self.source = source
        self.faults: dict[str, str] = {}

    def _raw(self, name: str, required: bool):
        value = self.source.get(name)
        if value is None or value == "":
            if required:
                self.faults[name] = gettext("This field is required.")
            return None
        return value

    def text(self, name: str, max_length: int, required: bool = False) -> str | None:
        value = self._raw(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self.faults[name] = gettext("Text expected.")
            return None
        value = value.strip()
        if required and not value:
            self.faults[name] = gettext("This field is required.")
            return None
        if len(value) > max_length:
            self.faults[name] = gettext("At most %(num)d characters.", num=max_length)
            return None
        if "\x00" in value:
            self.faults[name] = gettext("Text expected.")
            return None
        return value or None

    def integer(self, name: str, required: bool = False, low: int = 1, high: int = 2**31 - 1):
        value = self._raw(name, required)
        if value is None:
            return None
        if isinstance(value, bool):
            value = None
        elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 12:
            value = int(value.strip())
        if not isinstance(value, int) or not low <= value <= high:
            self.faults[name] = gettext(
                "A whole number from %(low)d to %(high)d.", low=low, high=high
            )
            return None
        return value

    def choice(self, name: str, choices, required: bool = False, default=None):
        value = self._raw(name, required)
        if value is None:
            return default
        try:
            return choices(value) if isinstance(value, str) else choices(None)
        except ValueError:
            allowed = ", ".join(m.value for m in choices)
            self.faults[name] = gettext("One of: %(values)s.", values=allowed)
            return None

    def boolean(self, name: str) -> bool:
        value = self.source.get(name)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        self.faults[name] = gettext("true or false.")
        return False

    def moment(self, name: str) -> datetime | None:
        value = self._raw(name, False)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or not 2000 <= parsed.year <= 2100:
            self.faults[name] = gettext("A date and time such as 2026-12-03T14:30:00.")
            return None
        if parsed.tzinfo is not None:  # stored as the office's wall-clock time
            parsed = parsed.astimezone(clock.office_zone())
        return parsed.replace(tzinfo=None)

    def day(self, name: str, required: bool = False) -> date | None:
        value = self._raw(name, required)
        if value is None:
            return None
        try:
            parsed = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or not 2000 <= parsed.year <= 2100:
            self.faults[name] = gettext("A date such as 2026-12-03.")
            return None
        return parsed

    def done(self) -> None:
        if self.faults:
            raise ApiError(422, gettext("Some values are not valid."), self.faults)


def body() -> Reader:
    """The JSON object sent; 415 for another type, 400 for JSON that does not parse."""
    if not request.is_json:
        raise ApiError(415, gettext("Send JSON (Content-Type: application/json)."))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, gettext("The request body must be a JSON object."))
    return Reader(data)


def query() -> Reader:
    return Reader(request.args.to_dict())


def paging(reader: Reader) -> tuple[int, int]:
    page = reader.integer("page", low=1, high=100000) or 1
    per_page = reader.integer("per_page", low=1, high=MAX_PAGE_SIZE) or 20
    return page, per_page
