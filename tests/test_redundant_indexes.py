"""No index another index of its table makes redundant: every write pays for every index (a
work order's dispatch updates 30-odd of them), so one whose queries a longer index answers as
well is cost without use. Checked on the schema the migrations built, SQLite's and PostgreSQL's
(with the PostgreSQL-only pgx_ indexes, their operator classes and INCLUDE columns)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect

from admin_app.extensions import db


@dataclass(frozen=True)
class Key:
    name: str
    columns: tuple[str, ...]
    included: frozenset[str]
    unique: bool
    # What makes two indexes over the same columns answer different queries.
    method: str
    classes: tuple[str, ...]  # operator class per column (text_pattern_ops answers LIKE 'x%')
    sorting: tuple[tuple[str, ...], ...]


def _keys(inspector, table: str) -> list[Key]:
    keys = []
    for index in inspector.get_indexes(table):
        options = index.get("dialect_options", {})
        columns = tuple(index["column_names"])
        partial = any(options.get(f"{d}_where") is not None for d in ("postgresql", "sqlite"))
        if None in columns or partial:
            continue  # expressions and partial indexes answer their own queries
        ops = options.get("postgresql_ops") or {}
        sorting = index.get("column_sorting") or {}
        keys.append(
            Key(
                index["name"],
                columns,
                frozenset(options.get("postgresql_include") or ()),
                bool(index["unique"]),
                options.get("postgresql_using", "btree"),
                tuple(ops.get(c, "") for c in columns),
                tuple(tuple(sorting.get(c, ())) for c in columns),
            )
        )
    backed = [inspector.get_pk_constraint(table)] + inspector.get_unique_constraints(table)
    for constraint in backed:
        columns = tuple(constraint.get("constrained_columns") or constraint.get("column_names"))
        if columns:
            name = constraint.get("name") or f"{table} {columns}"
            plain = (("",) * len(columns), ((),) * len(columns))
            keys.append(Key(name, columns, frozenset(), True, "btree", *plain))
    return keys


def _answers_all_of(wide: Key, narrow: Key) -> bool:
    """`wide` serves every query `narrow` serves: the same method, `narrow`'s columns first
    with the same operator classes and order, and every column `narrow` carries."""
    size = len(narrow.columns)
    return (
        wide.method == narrow.method == "btree"
        and len(wide.columns) >= size
        and wide.columns[:size] == narrow.columns
        and wide.classes[:size] == narrow.classes
        and wide.sorting[:size] == narrow.sorting
        and narrow.included <= set(wide.columns) | wide.included
    )


def _postgresql_variants() -> set[str]:
    """Indexes the models give INCLUDE columns on PostgreSQL (for index-only scans): SQLite
    builds them without, and there one may repeat another index (an (id) index carrying the
    estate repeats the primary key) — a write SQLite pays for an index-only read only PostgreSQL makes."""
    return {
        index.name
        for table in db.metadata.tables.values()
        for index in table.indexes
        if index.dialect_options["postgresql"].get("include")
    }


def redundant_indexes(engine) -> list[str]:
    inspector = inspect(engine)
    variants = _postgresql_variants() if engine.dialect.name != "postgresql" else set()
    found = []
    for table in sorted(inspector.get_table_names()):
        keys = _keys(inspector, table)
        for narrow in keys:
            if narrow.unique or narrow.name in variants:
                continue  # a unique one enforces something
            for wide in keys:
                if wide.name == narrow.name or not _answers_all_of(wide, narrow):
                    continue
                same = len(wide.columns) == len(narrow.columns) and not wide.unique
                if same and wide.included == narrow.included and wide.name > narrow.name:
                    continue  # two alike: report the pair once
                found.append(f"{table}.{narrow.name} (answered by {wide.name})")
                break
    return found


def test_no_index_is_made_redundant_by_another(app):
    with app.app_context():
        found = redundant_indexes(db.engine)
    assert not found, "redundant indexes:\n" + "\n".join(found)
