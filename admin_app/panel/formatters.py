"""Column formatters more than one domain's screens share."""

from __future__ import annotations

from admin_app.services.reminders.channels import mask_phone
from admin_app.text import one_line


def masked_phone(view, context, model, name):
    """A resident's or visitor's phone, masked (139****5678) on every page of a register."""
    phone = getattr(model, name, None)
    return mask_phone(phone) if phone else ""


# What a record is about, in the first of these it has: a call's or a repair's description, a
# corrective action's task. A number alone does not say which call it is.
GIST_FIELDS = ("description", "what")
GIST = 16  # characters: they fit beside the record's number on one line of a card


def gist(record, limit: int = GIST) -> str:
    """The first words of what the record is about, on one line ("" when it says nothing)."""
    for field in GIST_FIELDS:
        value = getattr(record, field, None)
        if value:
            return one_line(value, limit)
    return ""
