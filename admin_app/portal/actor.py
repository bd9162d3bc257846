"""The resident as the actor of a verb (accepting a quote, reporting a repair): the verbs take
an `actor` and ask its role, estates and id; this answers for a resident without being a staff
account. History records it in its own column (audit_record.resident_actor_id) and shows
"住户 张*" / "Resident Z***", never a staff name."""

from __future__ import annotations

from flask_babel import gettext

from admin_app.auth.permissions import RESIDENT
from admin_app.models.resident import Resident


def mask_name(name: str | None) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***, Zhang San -> Z***: enough for the office to tell who,
    too little to identify a stranger."""
    name = (name or "").strip()
    if not name:
        return "*"
    if name[0].isascii():
        return f"{name[0]}***"
    return name[0] + "*" * max(1, len(name) - 1)


def resident_label(resident: Resident | None) -> str:
    return gettext("Resident %(name)s", name=mask_name(resident.name if resident else None))


class ResidentActor:
    """Quacks like the parts of Staff the verbs read: role, estates, active; `id` is None (no
    staff id is recorded: received_by, created_by stay empty) and `resident_id` says who."""

    role = RESIDENT
    is_authenticated = True
    is_active = True
    is_resident = True
    all_estates = False
    id = None
    phone = None

    def __init__(self, resident: Resident):
        self.resident = resident
        self.resident_id = resident.id
        self.estate_ids = {resident.estate_id}
        self.unit_ids = [resident.unit_id]
        self.name = mask_name(resident.name)

    def __str__(self) -> str:
        return resident_label(self.resident)
