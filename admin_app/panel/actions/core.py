"""The action engine's core: a step named once (RecordAction), what a confirmation will do (plan)
and running it (perform, perform_batch). The confirmation page, the batch runner and the
technician's phone page all run steps through these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import abort
from flask_wtf import FlaskForm

from admin_app import validation
from admin_app.extensions import db
from admin_app.services import batch_write, handoffs, workflow
from admin_app.services.errors import ServiceError

MAX_RECORDS = 500  # ticked rows on one page
MAX_BATCH = 50_000  # a whole filter


@dataclass(frozen=True)
class RecordAction:
    name: str  # the state-machine step; the permission is "<resource>.<name>"
    run: Callable  # run(record, actor, form) -> optional URL to go to afterwards, or Outcome
    form: type[FlaskForm] | None = None
    prepare: Callable | None = None  # prepare(form, records): choices, defaults
    style: str = "primary"
    template: str = "admin/wuye/action.html"
    many: bool = True  # offered as a list action over ticked rows
    # Safe to run a batch chunk with one flush (see perform_batch): the verb changes only
    # the record it is given and refuses before changing anything.
    chunked: bool = False
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What a run function may return instead of a bare URL: where to go afterwards, and a
    line for the confirmation (such as the record the step opened, linked)."""

    url: str | None = None
    note: str | None = None


@dataclass
class ActionPlan:
    """What a confirmation will do: the records that will run, and those skipped and why."""

    ready: list
    skipped: list  # (record, reason)


def plan(machine, records, name: str, actor, scoped: bool = False) -> ActionPlan:
    """`scoped`: the records came from the actor's scoped query; don't ask the database again."""
    ready, skipped = [], []
    for record in records:
        reason = machine.refusal(record, name, actor, scope_known=scoped)
        if reason is None:
            ready.append(record)
        else:
            skipped.append((record, reason))
    return ActionPlan(ready=ready, skipped=skipped)


def step_form(action: RecordAction, records) -> FlaskForm:
    """The step's form (a bare one for CSRF when it asks nothing), prepared for these records."""
    form = action.form() if action.form else FlaskForm()
    if action.prepare is not None:
        action.prepare(form, records)
    return form


def perform(action: RecordAction, records, actor, form) -> tuple[int, list, str | None, list]:
    """Run the verb on each record in its own savepoint; commit what succeeded. Returns how
    many were done, the refusals, where to go next and the lines for the confirmation."""
    done, failed, target, notes = 0, [], None, []
    for record in records:
        try:
            with db.session.begin_nested():
                result = action.run(record, actor, form)
            done += 1
        except ServiceError as refused:
            failed.append((record, str(refused)))
            continue
        if isinstance(result, Outcome):
            target = result.url or target
            notes += [result.note] if result.note else []
        else:
            target = result or target
    db.session.commit()
    return done, failed, target, notes


def perform_batch(action: RecordAction, records, actor, form) -> tuple[int, list]:
    """A batch chunk (records from the actor's scoped query). A `chunked` action runs every
    record's verb, then writes the chunk set-based (batch_write.write): the records in one
    UPDATE, their history in one INSERT, their counts and reminders in a few statements,
    instead of a savepoint and a dozen statements per record; the people the chunk hands
    records to are told together (handoffs.deferred). The caller flushes what is left and
    commits (naming the action for history)."""
    if not action.chunked:
        done, failed, _, _ = perform(action, records, actor, form)
        return done, failed
    done, failed = 0, []
    with workflow.batched(), handoffs.deferred() as told, db.session.no_autoflush:
        for record in records:
            mark = len(told)
            try:
                action.run(record, actor, form)
                done += 1
            except ServiceError as refused:
                db.session.expire(record)  # drop whatever the verb changed before refusing
                del told[mark:]  # and whom it told
                failed.append((record, str(refused)))
        batch_write.write(db.session, records)  # before anything autoflushes them
    return done, failed


def parse_ids(raw: str | None) -> list[int]:
    """The record ids a request names; a part that cannot name a record (not a number, or
    beyond the id column's range) names none."""
    ids = []
    for part in (raw or "").replace(" ", "").split(","):
        if part.isdigit() and (record_id := validation.record_id(part)) is not None:
            ids.append(record_id)
    if len(ids) > MAX_RECORDS:
        abort(400)
    return ids
