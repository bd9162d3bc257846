"""The check a verb makes first: may this person's role take the step, and in this estate.

One place for the two refusals every desk verb says the same way (visitors, messages, move-in,
fees, the lending box); a verb with its own wording (a field report's "choose one of your
estates") keeps it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from admin_app.auth.permissions import may
from admin_app.auth.scope import estate_allowed
from admin_app.services.errors import ServiceError


def check_may(actor, action: str, estate_id: int | None) -> None:
    """Refuses (ServiceError) unless the actor's role may `action` in the estate."""
    if not may(actor, action):
        raise ServiceError(_l("Your role may not do this."))
    if not estate_allowed(actor, estate_id):
        raise ServiceError(_l("This record is not yours to act on."))
