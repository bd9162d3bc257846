"""History of every change to every record, written by the session itself.

A listener on flush compares each audited object's attributes before and after and inserts one
AuditRecord per changed object, in the same transaction. Whatever path changed the record —
admin form, service verb, batch, job, import, CLI — the history is written the same way.
Services name their action with `with history.action("dispatch"):`; otherwise the action is
create / update / delete.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
import enum
from dataclasses import dataclass

from flask import has_request_context
from sqlalchemy import inspect
from sqlalchemy.orm import ColumnProperty, Session
from sqlalchemy.orm.base import NO_VALUE

from admin_app import clock
from admin_app.extensions import listen_once
from admin_app.models.audit import AuditRecord
from admin_app.models.base import has_own_text
from admin_app.services import bulk

# Columns never written to history: bookkeeping, or secrets whose masked twin is recorded.
ALWAYS_EXCLUDED = frozenset(
    {
        "created_at",
        "updated_at",
        "id_number_enc",
        "id_number_hash",
        "token_nonce",
    }
)
NOT_AUDITED_TABLES = frozenset(
    {
        "audit_record",
        "number_sequence",
        "reminder",
        "reminder_delivery",
        "notification",
        "stored_file",
        "staff_trade",
        "login_name",
        "gate_check",
        "action_batch",
        # The batch is itself the record of an import; its rows' history names it.
        "import_batch",
        # Whose turn it is to receive an order (a pointer the dispatches move, not a record).
        "dispatch_turn",
        # Texts to residents (an outbox) and the links they carry: their own state is the record.
        "resident_notice",
        "purpose_link",
        # A resident's one-time sign-in codes (keyed digests) and the integrations' call log
        # (written with core statements): their rows are the record, as for the links above.
        "resident_sign_in_code",
        "api_call",
    }
)


@dataclass(frozen=True)
class ActionContext:
    name: str | None = None
    actor_id: int | None = None
    batch_id: int | None = None
    # A resident acting on the residents' pages (portal/actor.py): recorded instead of staff.
    resident_id: int | None = None


_context: contextvars.ContextVar[ActionContext] = contextvars.ContextVar(
    "history_action",
    default=ActionContext(),  # noqa: B039 - frozen, never mutated
)


@contextlib.contextmanager
def action(name: str | None = None, actor=None, batch_id: int | None = None):
    """Name the action (and optionally the actor) for every change flushed inside the block."""
    outer = _context.get()
    token = _context.set(
        ActionContext(
            name=name or outer.name,
            actor_id=_actor_id(actor) if actor is not None else outer.actor_id,
            batch_id=batch_id if batch_id is not None else outer.batch_id,
            resident_id=getattr(actor, "resident_id", None)
            if actor is not None
            else outer.resident_id,
        )
    )
    try:
        yield
    finally:
        _context.reset(token)


def _actor_id(actor) -> int | None:
    if actor is None:
        return None
    if isinstance(actor, int):
        return actor
    return getattr(actor, "id", None)


# The integration acting through /api/v1 (its name): the history names it, not a staff member.
_on_behalf_of: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "history_on_behalf_of", default=None
)


@contextlib.contextmanager
def on_behalf_of(label: str):
    """Every change inside the block is recorded as done by `label` (an integration)."""
    token = _on_behalf_of.set(label)
    try:
        yield
    finally:
        _on_behalf_of.reset(token)


def current_actor_id() -> int | None:
    ctx = _context.get()
    if ctx.actor_id is not None or ctx.resident_id is not None:
        # A resident's action is never a staff member's, even one logged in on the same browser.
        return ctx.actor_id
    if _on_behalf_of.get() is not None:
        return None  # an integration: never the browser session that may come along
    if has_request_context():
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            return current_user.id
    return None


def plain(value):
    """A JSON-safe rendering of a column value."""
    if (
        value is None
        or isinstance(value, (bool, int, float, str))
        and not isinstance(value, enum.Enum)
    ):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def is_audited(obj) -> bool:
    table = getattr(type(obj), "__tablename__", None)
    return table is not None and table not in NOT_AUDITED_TABLES


def _excluded(obj) -> frozenset[str]:
    return ALWAYS_EXCLUDED | getattr(type(obj), "__audit_exclude__", frozenset())


def _changes(obj, kind: str) -> dict:
    state = inspect(obj)
    mapper = state.mapper
    excluded = _excluded(obj) | {"id"}
    changes: dict = {}
    if kind in ("create", "delete"):
        for attr in mapper.column_attrs:
            # state.dict, not attribute access: loading inside a flush would emit SQL.
            value = state.dict.get(attr.key)
            if attr.key not in excluded and value is not None:
                changes[attr.key] = (
                    [None, plain(value)] if kind == "create" else [plain(value), None]
                )
        return changes
    # An update: only attributes changed since loading have a before and after (a batch
    # flushes hundreds of records; asking every column of each for its history is slow).
    for key, original in state.committed_state.items():
        if key in excluded or key not in mapper.attrs:
            continue
        prop = mapper.attrs[key]
        if isinstance(prop, ColumnProperty) and key in state.dict:
            # A plain column: its history is the value loaded and the value now (what
            # `attrs[key].history` would say, without building it for every column).
            before = None if original is NO_VALUE else original
            after = state.dict[key]
            if plain(before) != plain(after):
                changes[key] = [plain(before), plain(after)]
            continue
        hist = state.attrs[key].history
        if not hist.has_changes():
            continue
        if isinstance(prop, ColumnProperty):
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if plain(before) != plain(after):
                changes[key] = [plain(before), plain(after)]
        elif prop.uselist and not prop.viewonly and names_members(prop.mapper.class_):
            changes[key] = [[_named(o) for o in hist.deleted], [_named(o) for o in hist.added]]
    return changes


def _named(obj) -> str:
    """A linked record as history keeps it: its own name where it has one. str() may add a
    translated label (a staff member's role), which would stay in the language of the day;
    a link that is only a choice (a staff member's trade) keeps the choice's code."""
    name = getattr(obj, "name", None)
    if isinstance(name, str) and name:
        return name
    choice = member_choice(type(obj))
    return plain(getattr(obj, choice)) if choice is not None else str(obj)


def names_members(model) -> bool:
    """Whether a collection of these records is written in its owner's history. Only when
    `_named` can name them (a text of their own, or a choice): otherwise str() is a Python
    repr ("<ComplaintRound 3>"), and such a member (a complaint's round, a survey's answer)
    has a history of its own. A part (an attachment) writes its own line there already."""
    if callable(getattr(model, "record_key", None)):
        return False
    return has_own_text(model) or member_choice(model) is not None


def member_choice(model) -> str | None:
    """The column of a link row that holds nothing but a choice besides its keys to other
    records (StaffTrade.trade): history names such a member by that choice."""
    own = [c for c in inspect(model).columns if not c.foreign_keys]
    if len(own) == 1 and isinstance(getattr(own[0].type, "enum_class", None), type):
        return own[0].key
    return None


def _primary_key(obj) -> int | None:
    state = inspect(obj)
    key = state.mapper.primary_key[0].key
    if state.dict.get(key) is not None:
        return state.dict[key]
    return state.identity[0] if state.identity else None


def _rows_for(session: Session) -> list[dict]:
    ctx = _context.get()
    actor = current_actor_id()
    at = clock.now()
    rows = []
    groups = (("create", session.new), ("update", session.dirty), ("delete", session.deleted))
    for kind, objects in groups:
        for obj in objects:
            if not is_audited(obj):
                continue
            if kind == "update" and not session.is_modified(obj, include_collections=True):
                continue
            rows.extend(rows_of(obj, kind, ctx, actor, at))
    return rows


def rows_of(obj, kind: str, ctx: ActionContext, actor: int | None, at) -> list[dict]:
    """The history rows a change of one object writes (none for an update that changed
    nothing recorded). The flush and the set-based write of a batch chunk (batch_write.py)
    both build their rows here, so a record's history reads the same whichever wrote it."""
    part_of = _record_of_part(obj)
    if part_of is not None:
        return _part_row(obj, kind, part_of, at, actor, ctx)
    changes = _changes(obj, kind)
    if kind == "update" and not changes:
        return []
    return [
        {
            "at": at,
            "actor_id": actor,
            "action": ctx.name or kind,
            "entity_type": type(obj).__tablename__,
            "entity_id": _primary_key(obj),
            "estate_id": getattr(obj, "estate_id", None),
            "changes": changes,
            "batch_id": ctx.batch_id,
            "resident_actor_id": ctx.resident_id,
            "actor_label": _on_behalf_of.get(),
        }
    ]


def context() -> ActionContext:
    """The action named for the changes written now (see `action`)."""
    return _context.get()


def _record_of_part(obj) -> tuple[str, int] | None:
    """(type, id) of the record an object is part of (an attachment: its ticket, work order…),
    whose history it is written in; None for a record of its own."""
    record_key = getattr(obj, "record_key", None)
    return record_key() if callable(record_key) else None


def _part_row(obj, kind: str, record: tuple[str, int], at, actor, ctx) -> list[dict]:
    """A part added or removed, in its record's history: "Attachment: ∅ → leak.jpg"."""
    if kind == "update":
        return []
    name = str(obj)
    change = [None, name] if kind == "create" else [name, None]
    return [
        {
            "at": at,
            "actor_id": actor,
            "action": ctx.name or kind,
            "entity_type": record[0],
            "entity_id": record[1],
            "estate_id": getattr(obj, "estate_id", None),
            "changes": {type(obj).__tablename__: change},
            "batch_id": ctx.batch_id,
            "resident_actor_id": ctx.resident_id,
            "actor_label": _on_behalf_of.get(),
            # Two parts of one record in one transaction stay two rows (see _after_flush).
            "part": _primary_key(obj),
        }
    ]


def _after_flush(session: Session, flush_context) -> None:
    """Write the flush's changes. A verb may flush several times (a query inside it
    autoflushes); within one transaction the same action on the same record stays ONE history
    row, its changes merged (first "before", last "after")."""
    written = session.info.setdefault("history_rows", {})
    table = AuditRecord.__table__
    connection = session.connection()
    fresh = []
    for row in _rows_for(session):
        if row["entity_id"] is None:
            continue
        key = (
            row["entity_type"],
            row["entity_id"],
            row["action"],
            row["actor_id"],
            row.pop("part", None),
        )
        if key in written:
            row_id, changes = written[key]
            merged = dict(changes)
            for field_name, (before, after) in row["changes"].items():
                merged[field_name] = [
                    changes[field_name][0] if field_name in changes else before,
                    after,
                ]
            updated = connection.execute(
                table.update().where(table.c.id == row_id).values(changes=merged)
            ).rowcount
            if updated:  # a savepoint rollback may have removed the row: then insert anew
                written[key] = (row_id, merged)
                continue
        fresh.append((key, row))
    if fresh:
        insert = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        ids = connection.execute(insert, [row for _, row in fresh]).scalars().all()
        for (key, row), row_id in zip(fresh, ids, strict=True):
            written[key] = (row_id, row["changes"])


def _key(row: dict) -> tuple:
    return (row["entity_type"], row["entity_id"], row["action"], row["actor_id"], None)


def written_before(session: Session, obj) -> bool:
    """Whether this transaction already wrote a row for the object's current action (which
    a further change must merge into, as the flush does)."""
    row = {
        "entity_type": type(obj).__tablename__,
        "entity_id": _primary_key(obj),
        "action": _context.get().name or "update",
        "actor_id": current_actor_id(),
    }
    return _key(row) in session.info.get("history_rows", {})


def insert_updates(session: Session, rows: list[dict]) -> None:
    """A batch chunk's update rows (from `rows_of`; none `written_before`) in one multi-row
    INSERT, remembered as the flush remembers its own."""
    if not rows:
        return
    table = AuditRecord.__table__
    returned = bulk.insert_values(
        session.connection(),
        table,
        rows,
        returning=("id", "entity_type", "entity_id", "action", "actor_id"),
    )
    ids = {tuple(found[1:]): found[0] for found in returned}
    written = session.info.setdefault("history_rows", {})
    for row in rows:
        key = _key(row)
        written[key] = (ids[key[:4]], row["changes"])


def _forget_written(session: Session, *args) -> None:
    session.info.pop("history_rows", None)


def write(session: Session, rows: list[dict]) -> None:
    """For bulk paths that change rows with core statements: insert prepared history rows."""
    if rows:
        ctx = _context.get()
        actor = current_actor_id()
        at = clock.now()
        for row in rows:
            row.setdefault("at", at)
            row.setdefault("actor_id", actor)
            row.setdefault("batch_id", ctx.batch_id)
            row.setdefault("resident_actor_id", ctx.resident_id)
            row.setdefault("action", ctx.name or "update")
            row.setdefault("actor_label", _on_behalf_of.get())
        # COPY on PostgreSQL: an import of 100,000 residents writes 100,000 history rows.
        bulk.insert_rows(session, AuditRecord.__table__, rows)


def install() -> None:
    listen_once(Session, "after_flush", _after_flush)
    listen_once(Session, "after_commit", _forget_written)
    listen_once(Session, "after_rollback", _forget_written)


def stamp() -> dict:
    """What `write` fills in on every row: when, who, and which action and batch."""
    ctx = _context.get()
    return {
        "at": clock.now(),
        "actor_id": current_actor_id(),
        "action": ctx.name or "update",
        "batch_id": ctx.batch_id,
    }


def copy_rows(session: Session, entity_type: str, estate_id: int, rows) -> None:
    """For set-based writes (the import's kept preview): history rows from (entity id, changes
    as JSON already in COPY's text format) pairs, stamped as `write` stamps them, with COPY."""
    stamped = stamp()
    head = "\t".join(
        bulk.copy_cell(stamped[name]) for name in ("at", "actor_id", "action", "batch_id")
    )
    prefix = f"{head}\t{bulk.copy_cell(entity_type)}\t".encode()
    estate = b"\\N" if estate_id is None else str(estate_id).encode()
    names = ["at", "actor_id", "action", "batch_id", "entity_type", "entity_id", "estate_id"]
    lines = (b"%b%d\t%b\t%b\n" % (prefix, entity, estate, changes) for entity, changes in rows)
    bulk.copy_text(session, "audit_record", [*names, "changes"], bulk.in_chunks(lines))
