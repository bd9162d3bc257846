"""The one table of role permissions: for each resource, which roles may do which verbs.

Views, actions, exports and ajax endpoints all ask `allowed(user, resource, verb)`; changing a
role's rights is a change to this table only.
"""

from __future__ import annotations

from ..models.staff import Role

VIEW, CREATE, EDIT, DELETE, EXPORT = "view", "create", "edit", "delete", "export"
CRUD_VERBS = (VIEW, CREATE, EDIT, DELETE, EXPORT)

ALL = frozenset(CRUD_VERBS)
READ = frozenset({VIEW})
READ_EXPORT = frozenset({VIEW, EXPORT})
WRITE = frozenset({VIEW, CREATE, EDIT})
WRITE_EXPORT = frozenset({VIEW, CREATE, EDIT, EXPORT})

R = Role

PERMISSIONS: dict[str, dict[Role, frozenset[str]]] = {
    "estate": {R.admin: ALL, R.director: READ_EXPORT, R.supervisor: READ, R.receptionist: READ},
    "staff": {R.admin: ALL, R.director: READ, R.supervisor: READ},
    "unit": {
        R.admin: ALL,
        R.director: WRITE_EXPORT,
        R.supervisor: WRITE_EXPORT,
        R.receptionist: WRITE,
        R.technician: READ,
        R.guard: READ,
    },
    "resident": {
        R.admin: ALL,
        R.director: ALL,
        R.supervisor: ALL,
        R.receptionist: WRITE,
    },
    "ticket": {
        R.admin: ALL,
        R.director: WRITE_EXPORT,
        R.supervisor: ALL,
        R.receptionist: WRITE,
    },
    "work_order": {
        R.admin: ALL,
        R.director: WRITE_EXPORT,
        R.supervisor: ALL,
        R.receptionist: WRITE,
        R.technician: READ,
    },
    "worker_pass": {
        R.admin: ALL,
        R.director: READ_EXPORT,
        R.supervisor: ALL,
        R.receptionist: WRITE,
        R.guard: READ,
    },
    "vehicle_pass": {
        R.admin: ALL,
        R.director: READ_EXPORT,
        R.supervisor: ALL,
        R.receptionist: WRITE,
        R.guard: READ,
    },
    "release_pass": {
        R.admin: ALL,
        R.director: READ_EXPORT,
        R.supervisor: ALL,
        R.receptionist: WRITE,
        R.guard: READ,
    },
    "renovation": {
        R.admin: ALL,
        R.director: READ_EXPORT,
        R.supervisor: ALL,
        R.receptionist: WRITE,
        R.guard: READ,
        R.technician: READ,
    },
    "renovation_inspection": {
        R.admin: ALL,
        R.director: READ_EXPORT,
        R.supervisor: ALL,
        R.receptionist: WRITE,
        R.guard: frozenset({VIEW, CREATE}),
        R.technician: frozenset({VIEW, CREATE}),
    },
    "audit_record": {R.admin: READ_EXPORT, R.director: READ_EXPORT, R.supervisor: READ_EXPORT},
    # The record of every resident import (the import itself is the ACTIONS entry below).
    "import_batch": {R.admin: READ, R.director: READ, R.supervisor: READ},
    "reminder": {R.admin: READ, R.director: READ, R.supervisor: READ},
}

# Named actions beyond CRUD (workflow verbs); the workflow issues add theirs here.
ACTIONS: dict[str, frozenset[Role]] = {
    # Upload, check and commit resident lists (in the user's own estates).
    "resident.import": frozenset({R.receptionist, R.supervisor, R.director, R.admin}),
}


def allowed(user, resource: str, verb: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return verb in PERMISSIONS.get(resource, {}).get(user.role, frozenset())


def may(user, action_name: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in ACTIONS.get(action_name, frozenset())
