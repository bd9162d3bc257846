"""State machines: which action may move a record from which states to which state.

Each aggregate declares its transitions once (tickets/operations.py, work_orders.py, passes.py,
…). A service verb runs inside `machine.transition(record, "dispatch", actor)`, which refuses —
with a message in the user's language and no change — an action the record's state, the
user's role (auth/permissions.ACTIONS) or the user's estates do not allow, names the change in
the history, sets the new state and flushes.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from admin_app import clock
from admin_app.auth.permissions import may
from admin_app.auth.scope import estate_allowed, scope_filter
from admin_app.extensions import db
from admin_app.models import Staff
from admin_app.models.audit import AuditRecord
from admin_app.services import history, inbox
from admin_app.services.errors import ServiceError


@dataclass(frozen=True)
class Transition:
    name: str
    label: object  # lazy string
    sources: frozenset
    target: object | None  # None: the state stays (the verb changes other fields)
    applies: Callable[[object], bool] | None = None  # e.g. only for complaints
    # Beyond the role table, a rule of the record's estate (who approves release slips there):
    # (record, actor) -> why not, or None.
    who: Callable[[object, object], object | None] | None = None
    # Beyond its state, a rule of the record itself (a call that has a work order open makes
    # no second one): (record) -> why not, or None. Asked last, once the state allows the step.
    rule: Callable[[object], object | None] | None = None


def step(
    name: str, label, sources: Iterable, target=None, applies=None, who=None, rule=None
) -> Transition:
    return Transition(
        name=name,
        label=label,
        sources=frozenset(sources),
        target=target,
        applies=applies,
        who=who,
        rule=rule,
    )


# (resource, action) -> label, so that history can name every workflow action.
ACTION_LABELS: dict[tuple[str, str], object] = {}


class StateMachine:
    def __init__(self, resource: str, transitions: Iterable[Transition], field: str = "status"):
        self.resource = resource
        self.field = field
        self.transitions = {t.name: t for t in transitions}
        for t in self.transitions.values():
            ACTION_LABELS[(resource, t.name)] = t.label

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def refusal(self, record, name: str, actor, scope_known: bool = False) -> str | None:
        """Why `actor` may not run `name` on `record` now, or None when it may.

        `scope_known`: the caller loaded the record through the actor's scoped query."""
        blocked = self._blocked(record, name, actor, scope_known)
        return blocked() if blocked is not None else None

    def _blocked(self, record, name: str, actor, scope_known: bool):
        """None when the step may run, else a function that says why: only a refusal that is
        shown gets worded (a list of steps asks about every step of every record)."""
        transition = self.transitions[name]
        if not may(actor, f"{self.resource}.{name}"):
            return lambda: str(_l("Your role may not do this."))
        if not scope_known and not in_scope(actor, record):
            # Another estate's record, or (for a technician) someone else's work order.
            return lambda: str(_l("This record is not yours to act on."))
        if transition.who is not None:
            refused = transition.who(record, actor)
            if refused is not None:
                return lambda: str(refused)
        if transition.applies is not None and not transition.applies(record):
            return lambda: str(
                _l(
                    "“%(action)s” does not apply to %(record)s.",
                    action=str(transition.label),
                    record=str(record),
                )
            )
        state = getattr(record, self.field)
        if state not in transition.sources:
            return lambda: str(
                _l(
                    "%(record)s is “%(state)s”: “%(action)s” is not possible now.",
                    record=str(record),
                    state=str(state),
                    action=str(transition.label),
                )
            )
        if transition.rule is not None:
            refused = transition.rule(record)
            if refused is not None:
                return lambda: str(refused)
        return None

    def check(self, record, name: str, actor, scope_known: bool = False) -> Transition:
        reason = self.refusal(record, name, actor, scope_known)
        if reason is not None:
            raise ServiceError(reason)
        return self.transitions[name]

    def available(self, record, actor, scope_known: bool = False) -> list[Transition]:
        return [
            t
            for t in self.transitions.values()
            if self._blocked(record, t.name, actor, scope_known) is None
        ]

    def overtaken(self, record, name: str, seen: int | None) -> str | None:
        """What happened to the record since its page was shown (`seen`: the newest history
        entry then, see `history_mark`) that makes this step a second go — the same step, or
        any change of state, by someone else or in another tab — said in the user's
        language; None when nothing did or the page's mark is unknown."""
        if seen is None or record.id is None:
            return None
        steps = {t.name for t in self.transitions.values() if t.target is not None} | {name}
        entry = (
            db.session.query(AuditRecord)
            .filter(
                AuditRecord.entity_type == type(record).__tablename__,
                AuditRecord.entity_id == record.id,
                AuditRecord.id > seen,
                AuditRecord.action.in_(steps),
            )
            .order_by(AuditRecord.id.desc())
            .first()
        )
        if entry is None:
            return None
        who = (
            entry.who
            if entry.actor is not None or entry.resident_actor_id
            else str(_l("the system"))
        )
        at = entry.at.strftime(
            "%H:%M" if entry.at.date() == clock.now().date() else "%Y-%m-%d %H:%M"
        )
        label = str(self.transitions[entry.action].label)
        if entry.action == name:
            return str(
                _l(
                    "“%(action)s” was already done by %(name)s at %(time)s.",
                    action=label,
                    name=who,
                    time=at,
                )
            )
        return str(
            _l(
                "%(record)s changed meanwhile: “%(action)s” by %(name)s at %(time)s. Nothing "
                "was done.",
                record=str(record),
                action=label,
                name=who,
                time=at,
            )
        )

    @contextlib.contextmanager
    def transition(self, record, name: str, actor):
        """Lock the record and read it afresh (a second request for the same record waits
        here for the first to commit), check, let the verb change the record, then set the
        target state and flush (inside `batched()`, the caller locked the chunk and flushes
        it once)."""
        in_batch = _batched.get()
        if not in_batch:
            lock(record)
            told = self.overtaken(record, name, _seen.get().get(_key(record)))
            if told is not None:
                raise ServiceError(told)
        transition = self.check(record, name, actor, scope_known=in_batch)
        with history.action(name, actor=actor):
            yield transition
            if transition.target is not None:
                setattr(record, self.field, transition.target)
            if not in_batch:
                db.session.flush()
                if isinstance(actor, Staff):
                    inbox.read_about(record, actor.id)


_batched: contextvars.ContextVar[bool] = contextvars.ContextVar("workflow_batched", default=False)
# (table, id) -> the history mark of the page the step was confirmed on
_seen: contextvars.ContextVar[dict] = contextvars.ContextVar("workflow_seen", default={})  # noqa: B039 - never mutated


def _key(record) -> tuple[str, int | None]:
    return type(record).__tablename__, record.id


def history_mark(record) -> int:
    """The newest history entry of the record (0: none): a confirmation page carries it, so
    that the step it confirms can tell whether someone went first (`overtaken`)."""
    if record.id is None:
        return 0
    newest = (
        db.session.query(func.max(AuditRecord.id))
        .filter(
            AuditRecord.entity_type == type(record).__tablename__,
            AuditRecord.entity_id == record.id,
        )
        .scalar()
    )
    return newest or 0


@contextlib.contextmanager
def as_seen(record, mark: int | None):
    """Steps run inside the block on `record` were confirmed on a page that showed it at
    history `mark` (None: unknown, e.g. a script's request without the page's field)."""
    token = _seen.set({**_seen.get(), _key(record): mark})
    try:
        yield
    finally:
        _seen.reset(token)


def lock(record) -> None:
    """Wait for any other transaction changing the record, then read it as it left it: two
    requests for the same step (two tabs, a double tap) take turns, and the second sees the
    first one's state. PostgreSQL: SELECT … FOR UPDATE of the record's row. SQLite: a
    request that may write already holds the one write lock since its BEGIN (sqlite.py)."""
    if record.id is None or db.session.get_bind().dialect.name != "postgresql":
        return
    model = type(record)
    (
        db.session.query(model)
        .filter(model.id == record.id)
        .with_for_update(of=model)
        .populate_existing()
        .one()
    )


_chunk_writes: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "workflow_chunk_writes", default=None
)


@contextlib.contextmanager
def batched():
    """For a batch chunk whose records came from the actor's scoped query: transitions skip
    the per-record scope query and the per-record flush, so the chunk's updates, history and
    reminder planning are written in one flush by the caller (who names the action). The
    bookkeeping verbs fold into the chunk (`chunk_state`) is written once as it ends."""
    token = _batched.set(True)
    writes: dict = {}
    writes_token = _chunk_writes.set(writes)
    try:
        yield
    finally:
        _batched.reset(token)
        _chunk_writes.reset(writes_token)
    by_writer: dict = {}
    for state, write in writes.values():
        by_writer.setdefault(write, []).append(state)
    for write, states in by_writer.items():
        write(states)


def chunk_state(key, write) -> dict | None:
    """Inside `batched()`: the dict kept for `key` while the chunk runs, which the verb fills;
    as the chunk ends `write(states)` runs once with the states of every key it was given
    for (the round-robin's places, each moved on by all the chunk's orders of its estate and
    trade, in one statement). None outside a batch: the caller writes at once."""
    writes = _chunk_writes.get()
    if writes is None:
        return None
    return writes.setdefault(key, ({}, write))[0]


def in_scope(actor, record) -> bool:
    """Whether the record is visible to the actor (estates and role rules, as on the lists)."""
    model = type(record)
    clause = scope_filter(model, actor)
    if clause is None:
        return True
    if record.id is None:  # not saved yet: only its estate can be checked
        return estate_allowed(actor, getattr(record, "estate_id", None))
    found = db.session.query(model.id).filter(model.id == record.id, clause).first()
    return found is not None
