"""Column formatters more than one domain's screens share."""

from __future__ import annotations

from admin_app.services.reminders.channels import mask_phone
from admin_app.text import GIST_FIELDS, one_line


def masked_phone(view, context, model, name):
    """A resident's or visitor's phone, masked (139****5678) on every page of a register."""
    phone = getattr(model, name, None)
    return mask_phone(phone) if phone else ""


GIST = 16  # characters: they fit beside the record's number on one line of a card


def gist(record, limit: int = GIST) -> str:
    """The first words of what the record is about, on one line ("" when it says nothing)."""
    for field in GIST_FIELDS:
        value = getattr(record, field, None)
        if value:
            return one_line(value, limit)
    return ""
