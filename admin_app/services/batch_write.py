"""A batch chunk's changed records written set-based, in place of the ORM's flush of them.

The verbs ran record by record (same rules, same refusals, same state machine); what they
changed is written here per chunk in a fixed number of statements, whatever its size:

  the records    one UPDATE … FROM (VALUES …) (bulk.update_values)
  their history  one multi-row INSERT of the rows the flush would write (history.rows_of)
  the counts     the monthly rollups moved as the flush moves them (rollups.add_updates)
  reminders      one refresh of the chunk's records, planned from the values in hand

Each piece is built by the same function the session's flush listeners use, so a record's
history, counts and reminders read the same whichever path wrote it. The written records are
then marked clean (their new values committed to the session), so the flush that follows
finds nothing left to write for them.

A record is left to the ORM's flush when this cannot write it the same way: a change to a
relationship or collection, a value not loaded, a ticket that became a complaint (the flush
tells the supervisors), or a history row of the same action already written in this
transaction (the flush merges into it).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import inspect
from sqlalchemy.orm import ColumnProperty, Session
from sqlalchemy.orm.attributes import NO_VALUE
from sqlalchemy.orm.state import InstanceState

from admin_app import clock
from admin_app.services import bulk, handoffs, history
from admin_app.services.reminders import outbox
from admin_app.services.statistics import rollups


def write(session: Session, records) -> list:
    """Write the changed ones of these records (one model per call group); returns those
    written (the others, if changed, are left to the flush)."""
    by_model = defaultdict(list)
    for record in records:
        by_model[type(record)].append(record)
    written = []
    for model, group in by_model.items():
        written += _write_model(session, model, group)
    return written


def _changed_columns(record) -> list[str] | None:
    """The record's changed columns, or None when only the flush can write it."""
    state = inspect(record)
    mapper = state.mapper
    changed = []
    for key, before in state.committed_state.items():
        prop = mapper.attrs.get(key)
        if not isinstance(prop, ColumnProperty) or len(prop.columns) != 1:
            return None  # a relationship or collection changed
        if key not in state.dict:
            return None
        if before is NO_VALUE or before != state.dict[key]:
            changed.append(key)
    return changed


def _write_model(session: Session, model, records) -> list:
    table = model.__table__
    mapper = inspect(model)
    columns = {prop.key: prop.columns[0] for prop in mapper.column_attrs}
    plan, keys = [], set()
    for record in records:
        changed = _changed_columns(record)
        if not changed:
            continue
        if any(columns[key].table is not table for key in changed):
            return []  # inheritance across tables: the flush's business
        if handoffs.became_complaint(record) or history.written_before(session, record):
            continue
        plan.append((record, changed))
        keys.update(changed)
    # Every row sets every column any record of the chunk changed (a record that did not
    # change one keeps the value it was loaded with, i.e. the stored one).
    names = sorted(keys, key=lambda key: columns[key].name)
    plan = [(r, changed) for r, changed in plan if inspect(r).dict.keys() >= keys]
    if not plan:
        return []
    ctx, actor, at = history.context(), history.current_actor_id(), clock.now()
    entries, counts, reminded = [], rollups.Changes(), {}
    for record, _ in plan:
        entries += history.rows_of(record, "update", ctx, actor, at)
        if outbox.watched_change(record):
            reminded[record.id] = outbox.watched_values(record)
    rollups.add_updates(counts, [record for record, _ in plan])
    rows = []
    for record, _ in plan:
        loaded = inspect(record).dict
        rows.append({"id": record.id} | {columns[k].name: loaded[k] for k in names})
    fixed = {}
    stamp = table.c.get("updated_at")
    if stamp is not None and stamp.onupdate is not None:
        fixed["updated_at"] = stamp.onupdate.arg(None)
    connection = session.connection()
    bulk.update_values(connection, table, rows, [columns[k].name for k in names], fixed)
    history.insert_updates(session, entries)
    counts.apply(connection)
    if reminded:
        outbox.refresh(connection, table.name, list(reminded), values=reminded)
    states = [inspect(record) for record, _ in plan]
    for state in states:
        if fixed and "updated_at" in mapper.attrs:
            state.dict["updated_at"] = fixed["updated_at"]
    # Written: what the flush does to the records it wrote (their values become the loaded
    # ones and they leave the session's dirty list, so the flush and its listeners that
    # follow pass them by).
    InstanceState._commit_all_states(
        [(state, state.dict) for state in states], session.identity_map
    )
    return [record for record, _ in plan]
