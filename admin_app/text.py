"""Plain-text helpers for any layer: a model's name of itself, a service's message, a screen."""

from __future__ import annotations

# What a record is about, in the first of these it has: a call's or a repair's description, a
# corrective action's task. A number alone does not say which call it is.
GIST_FIELDS = ("description", "what")


def one_line(text: str, limit: int) -> str:
    """A text on one line (its line breaks and runs of spaces made single spaces), cut to
    `limit` characters with an ellipsis: a long description shown where a list has room for
    a few words."""
    words = " ".join(text.split())
    return words if len(words) <= limit else words[: limit - 1] + "…"
