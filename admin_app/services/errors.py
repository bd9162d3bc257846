"""Refusals a user reads: a service raises ServiceError with a translatable message, and the
view shows it as a flash message (or JSON error) in the user's language, changing nothing."""

from __future__ import annotations


class ServiceError(Exception):
    """The action is not allowed or the input is wrong; nothing was changed."""

    def __init__(self, message, **params) -> None:
        super().__init__(message)
        self.message = message  # a lazy_gettext string, rendered in the reader's language
        self.params = params

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class NotFound(ServiceError):
    """The record does not exist, or not for this user (another estate)."""


class Forbidden(ServiceError):
    """The user's role may not do this."""
