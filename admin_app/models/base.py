"""Shared column types and mixins: labelled enums, timestamps, estate scope; a model found by
its table, and whether it says what it is."""

from __future__ import annotations

import enum
import functools
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from admin_app import clock


class Choice(str, enum.Enum):
    """A state or kind: its value is stored, its label is shown (translated lazily).

    Members are declared as ``name = "name", _l("Label")``; the name equals the stored value
    so that the database, URLs, filters and code all speak the same word.
    """

    def __new__(cls, value: str, label=None):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label if label is not None else value
        return obj

    def __str__(self) -> str:
        from admin_app.i18n import (
            translated,  # the models import nothing from the web layer at load
        )

        return translated(self.label)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


def choice_column(enum_cls: type[Choice]) -> SAEnum:
    """Enums are stored as short strings (no native PG enum: adding a state is a plain deploy)."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=clock.now, onupdate=clock.now, nullable=False
    )


def list_index(name: str, *columns: str) -> Index:
    """An index a list page walks: a sort or filter column, then the list's default order,
    then id (see ListingMixin.tie_breakers). On PostgreSQL it also carries the estate, so that
    for someone who sees only some estates the page is read from the index alone, at any
    depth (no visit to the table to check each passed-over row's estate)."""
    return Index(name, *columns, postgresql_include=["estate_id"])


def estate_list_indexes(
    table: str,
    default: tuple[str, ...],
    sorts: tuple[str, ...],
    with_default: bool = True,
    carried: tuple[str, ...] = (),
) -> list[Index]:
    """The indexes a list walks for someone who sees only some estates: per sort column
    (estate_id, column, the default order, id), and (estate_id, the default order, id) unless
    the table has it under an older name. The list reads each of the user's estates as one
    index range and merges them (ListingMixin.get_list): a supervisor of the last estates
    sorting by number no longer walks every other estate's numbers first.

    `carried`: filter and sort columns each index also holds (PostgreSQL INCLUDE), so that a
    filter combined with any sort (a month and a category, by number) is answered from the
    index without visiting the table row by row."""
    indexes = [
        Index(
            f"ix_{table}_estate_{column}_list",
            "estate_id",
            column,
            *default,
            "id",
            **carrying(carried, column, *default),
        )
        for column in sorts
    ]
    if with_default:
        indexes.append(Index(f"ix_{table}_estate_list", "estate_id", *default, "id"))
    return indexes


def carrying(carried: tuple[str, ...], *keys: str) -> dict:
    """postgresql_include for the carried columns an index does not already lead with."""
    extra = [c for c in carried if c not in keys]
    return {"postgresql_include": extra} if extra else {}


class EstateScoped:
    """A record that belongs to one estate; staff see it only if they belong to that estate."""

    @declared_attr
    def estate_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(Integer, ForeignKey("estate.id"), nullable=False)

    @declared_attr
    def estate(cls):  # noqa: N805
        return relationship("Estate", lazy="joined", innerjoin=True)

    # Each scoped table declares a composite index that starts with estate_id.


@functools.cache
def model_for_table(table: str):
    """The model mapped to a table (history and reminders name records by table), or None."""
    from admin_app.extensions import db

    for mapper in db.Model.registry.mappers:
        if getattr(mapper.local_table, "name", None) == table:
            return mapper.class_
    return None


def has_own_text(model) -> bool:
    """Whether the model says what it is (a __str__ of its own), not a Python repr."""
    return model.__str__ is not object.__str__
