"""The action pages: buttons on a record, list actions over ticked rows, one confirmation page.

A RecordAction (core.py) names a state-machine step, an optional form for its parameters and how to call
the service verb. One page (`/act/<name>/`) serves one record or many: it shows what will run
and what will be skipped (with the reason) and runs nothing before the confirming POST. Each
record runs in its own savepoint, so one refusal does not undo the others.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from admin_app.auth.permissions import may
from admin_app.panel import flask_admin_private as private
from admin_app.panel.actions import batches
from admin_app.panel.actions.core import (
    MAX_BATCH,
    RecordAction,
    parse_ids,
    perform,
    plan,
    step_form,
)
from admin_app.panel.return_links import return_target, safe_return
from admin_app.services import workflow
from admin_app.services.errors import ServiceError


def report(label: str, done: int, failed: list, notes=(), *, name_records: bool = True) -> None:
    """Tell the user what a step did: done (how many) with what the step's run function had
    to say (`notes`, such as a record it opened), and each refusal with its reason."""
    if done:
        flash(
            ngettext(
                "%(action)s: done.",
                "%(action)s: done for %(num)d records.",
                done,
                action=label,
            ),
            "success",
        )
    for note in notes:
        flash(note, "info")
    for record, reason in failed:
        named = gettext("%(record)s: %(reason)s", record=record, reason=reason)
        flash(named if name_records else reason, "error")


class ActionsMixin:
    """For SecureModelView subclasses with a `machine` and `record_actions`."""

    machine = None
    record_actions: tuple[RecordAction, ...] = ()
    # What a step's page for one record shows under its number (who, where, what about; the
    # template gets `record`): enough to take the step without opening the record first.
    action_summary_template: str | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.record_actions:
            batches.register(self)  # the runner finds the view of a stored batch's resource

    def action_for(self, name: str) -> RecordAction:
        for action in self.record_actions:
            if action.name == name:
                return action
        abort(404)

    def action_label(self, name: str, record=None) -> str:
        """The step's name; `record`: the one record it runs on, where a view names the step
        after the record's state (a dispatched order is reassigned, not dispatched)."""
        return str(self.machine[name].label)

    def action_subject(self, record) -> str:
        """What a step's page names as its record, at the top: the record itself by default;
        a view whose records are about a place says the place first."""
        return str(record)

    def available_actions(self, record) -> list[RecordAction]:
        return [
            a
            for a in self.record_actions
            if self.machine.refusal(record, a.name, current_user, scope_known=True) is None
        ]

    def batch_actions(self) -> list[tuple[str, str]]:
        """The steps a supervisor may run over every row of the current filter."""
        if not may(current_user, f"{self.resource}.batch"):
            return []
        return [
            (a.name, self.action_label(a.name))
            for a in self.record_actions
            if a.many and may(current_user, f"{self.resource}.{a.name}")
        ]

    def filter_batch_url(self, name: str) -> str:
        args = {k: v for k, v in request.args.items() if k not in ("page", "page_size")}
        return self.get_url(".act_view", action_name=name, scope="filter", **args)

    def init_actions(self):
        super().init_actions()
        for action in self.record_actions:
            if not action.many:
                continue
            label = self.machine[action.name].label
            private.add_list_action(self, action.name, label, self._list_action(action.name))

    def _list_action(self, name):
        def handler(ids):
            return redirect(
                url_for(
                    ".act_view",
                    action_name=name,
                    ids=",".join(ids),
                    url=safe_return(request.form.get("url")),
                )
            )

        return handler

    @expose("/act/<action_name>/", methods=("GET", "POST"))
    def act_view(self, action_name):
        # (not "name": Flask-Admin passes the endpoint's name to _handle_view under that word)
        name = action_name
        action = self.action_for(name)
        if not may(current_user, f"{self.resource}.{name}"):
            abort(403)
        whole_filter = request.args.get("scope") == "filter"
        try:
            records = self._filtered_records() if whole_filter else self._records_by_id()
        except ServiceError as refused:  # the selection itself: back to the list, saying why
            flash(str(refused), "error")
            list_args = {k: v for k, v in request.args.items() if k != "scope"}
            return redirect(self.get_url(".index_view", **list_args))
        if not records:
            abort(404)
        many = whole_filter or len(records) > 1
        if many and not may(current_user, f"{self.resource}.batch"):
            abort(403)  # running a step over many records is a supervisor's batch
        form = step_form(action, records)
        # Named before it runs: the name may follow the record's state (see action_label).
        label = self.action_label(name, None if many else records[0])
        # The page's mark: a second submit of the same page (a double tap, another tab) is
        # told who went first instead of running the step again.
        seen = request.form.get("seen", type=int)
        if request.method == "POST" and not many:
            told = self.machine.overtaken(records[0], name, seen)
            if told is not None:
                flash(told, "warning")
                return redirect(self.get_url(".details_view", id=records[0].id))
        the_plan = plan(self.machine, records, name, current_user, scoped=True)
        if request.method == "POST" and not the_plan.ready:
            flash(gettext("Nothing to do: every selected record was skipped."), "error")
        elif request.method == "POST" and getattr(form, "again", False):
            pass  # the form asked to be shown again (a row added), not to run
        elif request.method == "POST" and form.validate_on_submit():
            if many:
                return self._start_batch(action, the_plan, whole_filter, seen)
            with workflow.as_seen(records[0], seen):
                done, failed, target, notes = perform(action, the_plan.ready, current_user, form)
            report(label, done, failed, notes)
            if done and not failed:
                return redirect(target or self.get_url(".details_view", id=records[0].id))
            # Refused: show the form again with the reason; nothing was changed.
            the_plan = plan(self.machine, records, name, current_user)
        return self.render(
            action.template,
            action=action,
            label=label,
            form=form,
            records=records,
            plan=the_plan,
            whole_filter=whole_filter,
            many=many,
            ids="" if whole_filter else ",".join(str(r.id) for r in records),
            return_url=return_target("url", self.get_url(".index_view")),
            seen=batches.newest_batch() if many else workflow.history_mark(records[0]),
        )

    def _records_by_id(self) -> list:
        ids = parse_ids(request.values.get("ids") or request.values.get("id"))
        return self.get_query().filter(self.model.id.in_(ids)).all() if ids else []

    def _filtered_records(self) -> list:
        """Every row the list shows for the same filter and search (in the user's scope)."""
        args = private.list_arguments(self)
        asked = [a for a in request.args if a.startswith("flt") and "_" in a]
        if len(asked) != len(args.filters or ()):
            # A list shows its rows without a filter it cannot read (and says so); a batch
            # would then reach every record: it is refused instead.
            raise ServiceError(
                _l("A filter of this batch is not valid: open the list and filter again.")
            )
        _, query = self.get_list(
            None,
            None,
            False,
            args.search,
            args.filters,
            execute=False,
            page_size=0,
            with_count=False,
        )
        records = query.limit(MAX_BATCH + 1).all()
        if len(records) > MAX_BATCH:
            raise ServiceError(
                _l("At most %(num)d records at once: narrow the filter."), num=MAX_BATCH
            )
        return records

    def _start_batch(self, action, the_plan, whole_filter: bool, seen: int | None):
        if whole_filter:
            selection = request.query_string.decode("utf-8", "replace")
        else:
            selection = "ids=" + ",".join(
                str(r.id) for r in the_plan.ready + [r for r, _ in the_plan.skipped]
            )
        selection = selection[:2000]
        first = batches.started_since(self.resource, action.name, selection, current_user, seen)
        if (
            first is not None
        ):  # the same page confirmed twice: one batch, and the second hears of it
            flash(
                gettext(
                    "This batch was already started by %(name)s at %(time)s.",
                    name=first.actor.name if first.actor else "",
                    time=first.created_at.strftime("%H:%M"),
                ),
                "warning",
            )
            return redirect(url_for("action_batch.details_view", id=first.id))
        batch = batches.start_batch(
            self,
            action,
            the_plan.ready,
            the_plan.skipped,
            request.form,
            selection,
            current_user,
        )
        return redirect(url_for("action_batch.details_view", id=batch.id))
