"""History read as a person reads it: each field by its label, states by their names, links by
the linked record's name. A screen reads its record's history so (SecureModelView); the
history list reads a kind of record without a screen of its own (a quote line, a survey's
answer) the same way, with the shared labels (RecordWithoutScreen)."""

from __future__ import annotations

import contextlib

from flask import g
from flask_babel import gettext
from sqlalchemy import inspect

from admin_app.extensions import db
from admin_app.models.base import has_own_text, model_for_table
from admin_app.panel.labels import LABELS, TABLE_LABELS
from admin_app.services import history


class HistoryText:
    """Reads history for `self.model`, with `self.column_labels` and `get_column_name`."""

    def field_label(self, name: str) -> str:
        # "unit_id" is shown as its relationship, "Unit".
        if name.endswith("_id") and name[:-3] in (self.column_labels or {}):
            name = name[:-3]
        return str(self.get_column_name(name))

    def _linked_record_text(self, name: str, value) -> str:
        """A link in history by what people call the record ("王前台 (前台接待员)",
        "5栋1单元0602室"), not its row id; "#id" for one that is gone, or has no name of its
        own (its str() would be a Python repr). The record is on the same estate as the one
        shown (checked when saved), or a staff member or estate named on the page anyway; the
        session's identity map asks the database once per record."""
        target = self.history_targets().get(name)
        if target is not None:
            links = g.get("history_links", {})
            try:
                key = (target, int(value))
            except (TypeError, ValueError):
                key = None
            if key in links:
                record = links[key]
            elif key is not None:
                record = db.session.get(target, key[1])
            else:
                record = None
            if record is not None and has_own_text(type(record)):
                return str(record)
        return f"#{value}"

    def record_screen(self, entity_type: str):
        """The screen of that kind of record, which names its fields and values; for a kind
        without one (a quote line, a duty shift), its model read the same way with the shared
        labels; None for a table no model maps."""
        from admin_app.panel.flask_admin_private import registered_views

        screens = getattr(self, "_record_screens", None)
        if screens is None:
            screens = {}
            for view in registered_views(self.admin):
                model = getattr(view, "model", None)
                if isinstance(view, HistoryText) and model is not None:
                    screens.setdefault(model.__tablename__, view)
            for mapper in db.Model.registry.mappers:
                table = getattr(mapper.class_, "__tablename__", None)
                if table is not None and table not in screens:
                    screens[table] = RecordWithoutScreen(mapper.class_)
            self._record_screens = screens
        return screens.get(entity_type)

    def history_screen(self, entity_type: str):
        """Who reads a history entry of this page: the page itself for its own record, the
        screen of the other kind for an entry it shows of another (a resident's import)."""
        if entity_type == self.model.__tablename__:
            return self
        return self.record_screen(entity_type) or self

    def history_targets(self) -> dict:
        """Foreign-key column name -> the model it points to (worked out once per view)."""
        targets = getattr(self, "_history_target_cache", None)
        if targets is None:
            targets = {}
            for relationship in inspect(self.model).relationships:
                columns = list(relationship.local_columns)
                if not relationship.uselist and len(columns) == 1:
                    targets.setdefault(columns[0].key, relationship.mapper.class_)
            self._history_target_cache = targets
        return targets

    def history_value(self, name: str, value) -> str:
        """A value from history as a person reads it: labels for states, names for links."""
        if value is None:
            return "∅"
        column = self.model.__table__.c.get(name)
        enum_cls = getattr(getattr(column, "type", None), "enum_class", None)
        if enum_cls is not None:
            try:
                return str(enum_cls(value))
            except ValueError:
                return str(value)
        if column is not None and column.foreign_keys:
            return self._linked_record_text(name, value)
        # A part (a household document…) its record's history names by its table.
        part = model_for_table(name) if column is None else None
        if part is not None and isinstance(value, str) and hasattr(part, "history_text"):
            return part.history_text(value)  # a part added or removed, kept as its text
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if isinstance(value, list):  # a collection (members, estates, quote lines): the names
            return ", ".join(self._member_text(name, v) for v in value) if value else "∅"
        return str(value)

    def _member_text(self, name: str, value) -> str:
        """A collection's member as history keeps it: its name, or the code of the choice it
        stands for (a staff member's trade), shown by the choice's label."""
        relationship = inspect(self.model).relationships.get(name)
        key = relationship and history.member_choice(relationship.mapper.class_)
        if key:
            enum_cls = relationship.mapper.columns[key].type.enum_class
            with contextlib.suppress(ValueError):
                return str(enum_cls(value))
        return str(value)


class RecordWithoutScreen(HistoryText):
    """A kind of record with no screen, read as a screen would read it: the shared labels,
    and the record's own where a field's name means something else on it (TABLE_LABELS)."""

    def __init__(self, model) -> None:
        self.model = model
        self.column_labels = {**LABELS, **TABLE_LABELS.get(model.__tablename__, {})}

    def get_column_name(self, name: str) -> str:
        return str(self.column_labels.get(name, name))
