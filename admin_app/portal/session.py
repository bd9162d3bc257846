"""Who is signed in on the residents' pages. Kept apart from the staff login (Flask-Login): a
resident's session never makes anyone staff, and a staff login never makes anyone a resident.

The session holds the resident's id and phone: a phone changed by the office (or the resident
moved out, or deleted) ends the session at the next page."""

from __future__ import annotations

from datetime import date
from functools import wraps

from flask import g, redirect, request, session, url_for

from admin_app import clock
from admin_app.extensions import db
from admin_app.models.resident import Resident

SESSION_KEY = "portal_resident"


def lives_here(resident: Resident, today: date | None = None) -> bool:
    """A resident who has moved out no longer sees the household's records."""
    return not resident.has_moved_out(today or clock.today())


def current_resident() -> Resident | None:
    """The signed-in resident, or None (looked up once per request)."""
    if "portal_resident_cached" in g:
        return g.portal_resident_cached
    resident = None
    held = session.get(SESSION_KEY)
    if isinstance(held, dict) and isinstance(held.get("id"), int):
        found = db.session.get(Resident, held["id"])
        if found is not None and found.phone and found.phone == held.get("phone"):
            resident = found if lives_here(found) else None
    g.portal_resident_cached = resident
    return resident


def sign_in_resident(resident: Resident) -> None:
    """Sign `resident` in on this browser (after the SMS code, or by a purpose link)."""
    session[SESSION_KEY] = {"id": resident.id, "phone": resident.phone}
    session.permanent = True
    g.portal_resident_cached = resident


def sign_out_resident() -> None:
    session.pop(SESSION_KEY, None)
    g.portal_resident_cached = None


def resident_required(view):
    """The view only for a signed-in resident; anyone else goes to the sign-in page."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_resident() is None:
            return redirect(url_for("portal.sign_in", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def household_units(resident: Resident | None = None) -> list[int]:
    """The ids of the units whose records the resident's household may see: the resident's own
    unit (a person with two flats is two resident records, chosen at sign-in)."""
    resident = resident or current_resident()
    return [resident.unit_id] if resident is not None else []


def household_filter(column, resident: Resident | None = None):
    """A WHERE clause limiting a query on `column` (a unit_id column) to the household."""
    return column.in_(household_units(resident))
