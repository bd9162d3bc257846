"""A step saved from a page (`saved`: commit and say it, or roll back and say the refusal), and
a new record saved from its form: the message names it and its next step, and "Save" opens it.

Flask-Admin ends every create with "Record was successfully created." on the list: the
person who just registered an application is left without its number and without the page
where its next step is. A view mixing this in says both (`created_message`); the stock
message is taken back and its own put in its place, for every save button alike. "Save"
opens the record's details page; "Save and add another" and "Save and continue editing"
go where their buttons say.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, g, get_flashed_messages
from flask_admin import expose
from flask_admin.babel import gettext as admin_gettext

from admin_app.extensions import db
from admin_app.panel.return_links import return_target
from admin_app.services.errors import ServiceError


@dataclass(frozen=True)
class Saved:
    """What `saved` did: true once saved, with the step's result."""

    ok: bool
    result: Any = None

    def __bool__(self) -> bool:
        return self.ok


def saved(
    step: Callable[[], Any],
    done: str | Callable[[Any], str] | None = None,
    *,
    refused_as: str = "error",
) -> Saved:
    """The pages' one way to take a step: `step()` runs the verb; then the change is committed
    and `done` (or `done(result)`) said, or rolled back and the refusal said — nothing of a
    refused step is kept. The page decides where to go next."""
    try:
        result = step()
    except ServiceError as refused:
        db.session.rollback()
        flash(str(refused), refused_as)
        return Saved(False)
    db.session.commit()
    if done is not None:
        flash(done(result) if callable(done) else done, "success")
    return Saved(True, result)


# Flask-Admin's own words after a create (flask_admin/model/base.py: create_view).
STOCK_CREATED = "Record was successfully created."


def replace_flashed(old: str, new: str) -> None:
    """The message `old` flashed in this request becomes `new`, in its place among the others
    (a warning flashed by the save itself stays, before or after it)."""
    for category, message in get_flashed_messages(with_categories=True):
        flash(new if message == old else message, category)


class NamedSavesMixin:
    """For SecureModelView subclasses whose records have a number and a next step."""

    def created_message(self, record) -> str:
        """The record, by its number, and what happens next (who is told): in the user's
        language."""
        raise NotImplementedError

    def create_model(self, form):
        record = super().create_model(form)
        if record:
            g.record_created = record
        return record

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        response = super().create_view()
        record = g.pop("record_created", None)
        if record is not None:
            replace_flashed(admin_gettext(STOCK_CREATED), self.created_message(record))
        return response

    def get_save_return_url(self, model, is_created: bool = False) -> str:
        back = return_target("url", self.get_url(".index_view"))
        if is_created:
            # Its next step is a button on its page; the page's Back still leads to the list.
            return self.get_url(".details_view", id=model.id, url=back)
        return back
