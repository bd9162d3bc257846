"""Estate scope: a record outside the user's estates does not exist for that user.

Every query a view, lookup, export or action runs goes through `scoped()`; a record being
created or moved is checked with `estate_allowed()`. Some roles see only part of their estates
(a technician sees his own work orders): those rules are in ROW_RULES.
"""

from __future__ import annotations

from sqlalchemy import and_, false, select

from admin_app.models.batch_run import batch_run_estate
from admin_app.models.renovation import Renovation
from admin_app.models.staff import Role, staff_estate

# (table, role) -> clause builder, narrowing what that role sees inside its estates.
ROW_RULES = {
    ("work_order", Role.technician): lambda model, user: model.technician_id == user.id,
    # A technician sees the money he took and his own hand-in sheets.
    ("payment", Role.technician): lambda model, user: model.collected_by_id == user.id,
    ("cash_hand_in", Role.technician): lambda model, user: model.collector_id == user.id,
}


def estate_ids(user) -> set[int] | None:
    """The estates the user may see; None means every estate (company-wide staff)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    if user.all_estates and user.role in (Role.admin, Role.director):
        return None
    return user.estate_ids


def estate_allowed(user, estate_id: int | None) -> bool:
    ids = estate_ids(user)
    return ids is None or (estate_id is not None and estate_id in ids)


def _estate_clause(model, ids: set[int]):
    if not ids:
        return false()
    if hasattr(model, "estate_id"):
        return model.estate_id.in_(ids)
    if model.__tablename__ == "estate":
        return model.id.in_(ids)
    if model.__tablename__ == "staff":
        members = select(staff_estate.c.staff_id).where(staff_estate.c.estate_id.in_(ids))
        return model.id.in_(members)
    if model.__tablename__ == "action_batch":
        touched = select(batch_run_estate.c.batch_id).where(batch_run_estate.c.estate_id.in_(ids))
        return model.id.in_(touched)
    return false()  # a table with no estate link: nothing, rather than everything


def scope_filter(model, user):
    """The WHERE clause limiting `model` to what `user` may see, or None for no limit."""
    clauses = []
    ids = estate_ids(user)
    if ids is not None:
        clauses.append(_estate_clause(model, ids))
    rule = ROW_RULES.get((model.__tablename__, getattr(user, "role", None)))
    if rule is not None:
        clauses.append(rule(model, user))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else and_(*clauses)


def scoped(query, model, user):
    """A Query or Select narrowed to the user's scope."""
    clause = scope_filter(model, user)
    if clause is None:
        return query
    return query.filter(clause) if hasattr(query, "filter") else query.where(clause)


# A resident (the residents' pages' actor, portal/actor.py) sees only the household's records.
for _table in ("ticket", "work_order"):
    ROW_RULES[(_table, "resident")] = lambda model, user: model.unit_id.in_(user.unit_ids)
# …and the household's passes and renovations (a worker pass through its renovation's unit).
for _table in ("vehicle_pass", "release_pass", "renovation"):
    ROW_RULES[(_table, "resident")] = lambda model, user: model.unit_id.in_(user.unit_ids)
ROW_RULES[("worker_pass", "resident")] = lambda model, user: model.renovation_id.in_(
    select(Renovation.id).where(Renovation.unit_id.in_(user.unit_ids))
)
