"""Column formatters more than one domain's screens share."""

from __future__ import annotations

from admin_app.services.reminders.channels import mask_phone


def masked_phone(view, context, model, name):
    """A resident's or visitor's phone, masked (139****5678) on every page of a register."""
    phone = getattr(model, name, None)
    return mask_phone(phone) if phone else ""


def one_line(text: str, limit: int) -> str:
    """A text on one line (its line breaks and runs of spaces made single spaces), cut to
    `limit` characters with an ellipsis: a long description shown where a list has room for
    a few words."""
    words = " ".join(text.split())
    return words if len(words) <= limit else words[: limit - 1] + "…"
