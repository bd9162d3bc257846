"""Workflow actions in the panel: buttons on a record, list actions over ticked rows.

A RecordAction names a state-machine step, an optional form for its parameters and how to call
the service verb. One page (`/act/<name>/`) serves one record or many: it shows what will run
and what will be skipped (with the reason) and runs nothing before the confirming POST. Each
record runs in its own savepoint, so one refusal does not undo the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from ..auth.permissions import may
from ..extensions import db
from ..services.errors import ServiceError

MAX_RECORDS = 500


@dataclass(frozen=True)
class RecordAction:
    name: str  # the state-machine step; the permission is "<resource>.<name>"
    run: Callable  # run(record, actor, form) -> optional URL to go to afterwards
    form: type[FlaskForm] | None = None
    prepare: Callable | None = None  # prepare(form, records): choices, defaults
    style: str = "primary"
    template: str = "admin/wuye/action.html"
    many: bool = True  # offered as a list action over ticked rows
    extra: dict = field(default_factory=dict)


@dataclass
class ActionPlan:
    """What a confirmation will do: the records that will run, and those skipped and why."""

    ready: list
    skipped: list  # (record, reason)


def plan(machine, records, name: str, actor) -> ActionPlan:
    ready, skipped = [], []
    for record in records:
        reason = machine.refusal(record, name, actor)
        if reason is None:
            ready.append(record)
        else:
            skipped.append((record, reason))
    return ActionPlan(ready=ready, skipped=skipped)


def perform(action: RecordAction, records, actor, form) -> tuple[int, list, str | None]:
    """Run the verb on each record in its own savepoint; commit what succeeded."""
    done, failed, target = 0, [], None
    for record in records:
        try:
            with db.session.begin_nested():
                target = action.run(record, actor, form) or target
            done += 1
        except ServiceError as refused:
            failed.append((record, str(refused)))
    db.session.commit()
    return done, failed, target


def parse_ids(raw: str | None) -> list[int]:
    ids = []
    for part in (raw or "").replace(" ", "").split(","):
        if part.isdigit():
            ids.append(int(part))
    if len(ids) > MAX_RECORDS:
        abort(400)
    return ids


class ActionsMixin:
    """For SecureModelView subclasses with a `machine` and `record_actions`."""

    machine = None
    record_actions: tuple[RecordAction, ...] = ()

    def action_for(self, name: str) -> RecordAction:
        for action in self.record_actions:
            if action.name == name:
                return action
        abort(404)

    def action_label(self, name: str) -> str:
        return str(self.machine[name].label)

    def available_actions(self, record) -> list[RecordAction]:
        return [
            a
            for a in self.record_actions
            if self.machine.refusal(record, a.name, current_user) is None
        ]

    def init_actions(self):
        super().init_actions()
        for action in self.record_actions:
            if not action.many:
                continue
            label = self.machine[action.name].label
            self._actions.append((action.name, label))
            self._actions_data[action.name] = (self._list_action(action.name), label, None)

    def _list_action(self, name):
        def handler(ids):
            return redirect(
                url_for(
                    ".act_view", step=name, ids=",".join(ids), url=request.form.get("url") or None
                )
            )

        return handler

    # The URL part is "step", not "name": Flask-Admin passes view arguments on to
    # _handle_view(name, **kwargs), where a "name" argument would collide.
    @expose("/act/<step>/", methods=("GET", "POST"))
    def act_view(self, step):
        name = step
        action = self.action_for(name)
        if not may(current_user, f"{self.resource}.{name}"):
            abort(403)
        ids = parse_ids(request.values.get("ids") or request.values.get("id"))
        records = self.get_query().filter(self.model.id.in_(ids)).all() if ids else []
        if not records:
            abort(404)
        form = action.form() if action.form else FlaskForm()
        if action.prepare is not None:
            action.prepare(form, records)
        the_plan = plan(self.machine, records, name, current_user)
        if request.method == "POST" and form.validate_on_submit():
            done, failed, target = perform(action, the_plan.ready, current_user, form)
            if done:
                flash(
                    ngettext(
                        "%(action)s: done.",
                        "%(action)s: done for %(num)d records.",
                        done,
                        action=self.action_label(name),
                    ),
                    "success",
                )
            for record, reason in failed:
                flash(f"{record}: {reason}", "error")
            if done and len(records) == 1 and not failed:
                return redirect(target or self.get_url(".details_view", id=records[0].id))
            if done and len(records) > 1:
                return redirect(request.values.get("url") or self.get_url(".index_view"))
            db.session.rollback()
            # Refused: show the form again with the reason; nothing was changed.
            the_plan = plan(self.machine, records, name, current_user)
        elif request.method == "POST" and not the_plan.ready:
            flash(gettext("Nothing to do: every selected record was skipped."), "error")
        return self.render(
            action.template,
            action=action,
            label=self.action_label(name),
            form=form,
            records=records,
            plan=the_plan,
            ids=",".join(str(r.id) for r in records),
            return_url=request.values.get("url") or self.get_url(".index_view"),
        )
