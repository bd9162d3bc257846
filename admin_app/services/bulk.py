"""Set-based writes for large batches: the resident import and its history rows.

Callers hand over plain dicts and get the same result on every database. PostgreSQL gets COPY
(inserting 100,000 rows takes about a second instead of several with executemany); other
databases (SQLite for the demo) get SQLAlchemy's executemany. Column defaults declared on the
models are filled in here, because COPY does not run Python-side defaults.
"""

from __future__ import annotations

import contextlib
import enum
import itertools
import json
import operator
from collections.abc import Iterable

from sqlalchemy import JSON, Enum, Table, bindparam, func, insert, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_temp_names = itertools.count(1)


def insert_rows(
    session: Session,
    table: Table,
    rows: Iterable[dict],
    *,
    return_ids: bool = False,
    count: int | None = None,
) -> list[int]:
    """Insert `rows` (dicts with the same keys); with `return_ids`, their new ids in order.

    `rows` may be a generator: on PostgreSQL each row is produced while the server is already
    storing the previous ones (give `count` with `return_ids`, for the ids reserved first)."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return []
    rows = itertools.chain([first], rows)
    conn = session.connection()
    columns = [c.name for c in table.columns if c.name in first]
    defaults = _defaults(table, set(columns))
    if conn.dialect.name != "postgresql":
        full = [{**defaults, **row} for row in rows]
        if return_ids:
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            return [row[0] for row in conn.execute(stmt, full)]
        conn.execute(insert(table), full)
        return []
    if return_ids and count is None:
        rows = list(rows)
        count = len(rows)
    ids = _reserve_ids(conn, table, count) if return_ids else []
    names = columns + list(defaults)
    values_of = operator.itemgetter(*columns)
    fixed = tuple(defaults[name] for name in defaults)
    # Only JSON and enum columns need converting; everything else COPY takes as it is.
    convert = [(i, f) for i, name in enumerate(names) if (f := _converter(table.c[name]))]
    with _copy(conn, table.name, (["id"] if return_ids else []) + names) as copy:
        for index, row in enumerate(rows):
            values = values_of(row)
            values = [*values, *fixed] if len(columns) > 1 else [values, *fixed]
            for position, f in convert:
                values[position] = f(values[position])
            copy.write_row([ids[index], *values] if return_ids else values)
    return ids


def update_rows(session: Session, table: Table, rows: list[dict], columns: list[str]) -> None:
    """Update rows by id. Each dict has "id" and any of `columns`; a None (or missing) value
    keeps what is stored. `updated_at` is set when the table has one."""
    if not rows:
        return
    conn = session.connection()
    touched = {}
    if "updated_at" in table.c and table.c.updated_at.onupdate is not None:
        touched["updated_at"] = table.c.updated_at.onupdate.arg(None)
    if conn.dialect.name != "postgresql":
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values(
                {
                    name: func.coalesce(
                        bindparam(f"_v_{name}", type_=table.c[name].type), table.c[name]
                    )
                    for name in columns
                }
                | touched
            )
        )
        params = [{"_id": row["id"]} | {f"_v_{n}": row.get(n) for n in columns} for row in rows]
        conn.execute(stmt, params)
        return
    # PostgreSQL: COPY the new values into a temporary table, then one UPDATE … FROM joins it.
    temp = f"_bulk_update_{next(_temp_names)}"
    definitions = ", ".join(
        f'"{name}" {table.c[name].type.compile(dialect=conn.dialect)}' for name in columns
    )
    conn.execute(
        text(f'CREATE TEMPORARY TABLE "{temp}" (id integer, {definitions}) ON COMMIT DROP')
    )
    convert = [_converter(table.c[name]) or _unchanged for name in columns]
    with _copy(conn, temp, ["id", *columns]) as copy:
        for row in rows:
            copy.write_row(
                [row["id"], *(f(row.get(n)) for f, n in zip(convert, columns, strict=True))]
            )
    assignments = [f'"{n}" = COALESCE(u."{n}", t."{n}")' for n in columns]
    assignments += [f'"{n}" = :{n}' for n in touched]
    conn.execute(
        text(
            f'UPDATE "{table.name}" AS t SET {", ".join(assignments)} '  # noqa: S608 - our names
            f'FROM "{temp}" AS u WHERE t.id = u.id'
        ),
        touched,
    )
    conn.execute(text(f'DROP TABLE "{temp}"'))


def values_list(conn, table: Table, names: list[str], rows: list[dict]) -> tuple[str, list]:
    """`(…), (…)`: the rows' values of these columns as one VALUES list, and its parameters.
    Written as plain text: SQLAlchemy compiling a multi-row VALUES costs more than the
    database storing it. On PostgreSQL each cell is cast to its column's type (a column of
    VALUES holding only NULLs would otherwise be text); SQLite needs no casts."""
    dialect = conn.dialect
    mark = "%s" if dialect.paramstyle in ("format", "pyformat") else "?"
    typed = dialect.name == "postgresql"
    cells, processors = [], []
    for name in names:
        kind = table.c[name].type
        processors.append(kind._cached_bind_processor(dialect))
        cells.append(f"CAST({mark} AS {kind.compile(dialect=dialect)})" if typed else mark)
    one = f"({', '.join(cells)})"
    params = []
    for row in rows:
        for name, process in zip(names, processors, strict=True):
            value = row[name]
            params.append(process(value) if process is not None and value is not None else value)
    return ", ".join([one] * len(rows)), params


def unnest_list(conn, table: Table, names: list[str], rows: list[dict]) -> tuple[str, list]:
    """PostgreSQL: `unnest(%b::type[], …)`, the rows as one array per column, and those
    arrays. The statement stays short whatever the number of rows (psycopg parses a
    statement's placeholders in Python: thousands of them cost more than the write). The
    arrays go in binary (%b): psycopg writes a text array by escaping each element with
    regular expressions in Python, five times as slow for a chunk's titles and keys."""
    dialect = conn.dialect
    casts, arrays = [], []
    for name in names:
        kind = table.c[name].type
        process = kind._cached_bind_processor(dialect)
        values = [row[name] for row in rows]
        if process is not None:
            values = [None if value is None else process(value) for value in values]
        casts.append(f"%b::{kind.compile(dialect=dialect)}[]")
        arrays.append(values)
    return f"unnest({', '.join(casts)})", arrays


def _column_names(conn, count: int) -> str:
    """PostgreSQL names a subquery's columns in its alias; SQLite's VALUES are already
    column1, column2, …"""
    if conn.dialect.name != "postgresql":
        return ""
    return f"({', '.join(f'column{i}' for i in range(1, count + 1))})"


def _quoted(conn, *names: str) -> str:
    quote = conn.dialect.identifier_preparer.quote
    return ", ".join(quote(name) for name in names)


def conflict_insert(conn, table: Table):
    """The database's own INSERT, which takes ON CONFLICT (`on_conflict_do_nothing`,
    `on_conflict_do_update`, `excluded`): PostgreSQL's and SQLite's spell it alike."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def insert_values(
    conn, table: Table, rows: list[dict], *, conflict: list[str] | None = None, returning=()
) -> list[tuple]:
    """One multi-row INSERT of rows with the same keys (`conflict`: ON CONFLICT of those
    columns DO NOTHING); the `returning` columns of the rows written. The columns' Python
    defaults fill what the rows leave out, as SQLAlchemy's own INSERT would."""
    if not rows:
        return []
    defaults = _defaults(table, set(rows[0]))
    if defaults:
        rows = [defaults | row for row in rows]
    names = list(rows[0])
    target = f"{_quoted(conn, table.name)} ({_quoted(conn, *names)})"
    if conn.dialect.name == "postgresql":
        source, params = unnest_list(conn, table, names, rows)
        statement = f"INSERT INTO {target} SELECT * FROM {source}"  # noqa: S608 - our names
    else:
        values, params = values_list(conn, table, names, rows)
        statement = f"INSERT INTO {target} VALUES {values}"  # noqa: S608 - our own names
    if conflict:
        statement += f" ON CONFLICT ({_quoted(conn, *conflict)}) DO NOTHING"
    if returning:
        statement += f" RETURNING {_quoted(conn, *returning)}"
    result = conn.exec_driver_sql(statement, tuple(params))
    return [tuple(found) for found in result] if returning else []


def update_values(conn, table: Table, rows: list[dict], names: list[str], fixed: dict) -> int:
    """One UPDATE of many rows by id, each to its own values: UPDATE … SET c = v.c … FROM
    (VALUES …) AS v WHERE id = v.id (PostgreSQL and SQLite 3.33+ alike). `fixed`: columns set
    to one value for all (updated_at). Returns how many rows it changed."""
    if not rows:
        return 0
    mark = "%s" if conn.dialect.paramstyle in ("format", "pyformat") else "?"
    if conn.dialect.name == "postgresql":
        source, params = unnest_list(conn, table, ["id", *names], rows)
        source = f"(SELECT * FROM {source})"  # noqa: S608 - our own names
    else:
        values, params = values_list(conn, table, ["id", *names], rows)
        source = f"(VALUES {values})"
    # Named column1, column2, … (as a VALUES list's columns are on both databases).
    assignments = [
        f"{_quoted(conn, name)} = v.column{position}"
        for position, name in enumerate(names, start=2)
    ]
    assignments += [f"{_quoted(conn, name)} = {mark}" for name in fixed]
    target = _quoted(conn, table.name)
    statement = (
        f"UPDATE {target} SET {', '.join(assignments)} "  # noqa: S608 - our own names
        f"FROM {source} AS v{_column_names(conn, len(names) + 1)} "
        f"WHERE {target}.id = v.column1"
    )
    _, given = values_list(conn, table, list(fixed), [fixed])
    return conn.exec_driver_sql(statement, (*given, *params)).rowcount


def _defaults(table: Table, given: set[str]) -> dict:
    """Python-side defaults of the columns the rows leave out (one value for the batch)."""
    values = {}
    for column in table.columns:
        default = column.default
        if column.name in given or default is None:
            continue
        if not (default.is_scalar or default.is_callable):
            continue
        values[column.name] = default.arg(None) if default.is_callable else default.arg
    return values


def _reserve_ids(conn, table: Table, count: int) -> list[int]:
    sequence = conn.execute(
        text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
    ).scalar_one()
    result = conn.execute(
        text("SELECT nextval(:seq) FROM generate_series(1, :n)"), {"seq": sequence, "n": count}
    )
    return [row[0] for row in result]


def _unchanged(value):
    return value


def _converter(column):
    """A function preparing a value of this column for COPY, or None when none is needed."""
    if isinstance(column.type, JSON):
        return lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
    if isinstance(column.type, Enum):
        return lambda v: v.value if isinstance(v, enum.Enum) else v
    return None


@contextlib.contextmanager
def _copy(conn, table_name: str, names: list[str]):
    """`with _copy(conn, "resident", [...]) as copy: copy.write_row(...)` on the session's own
    connection (and so inside its transaction)."""
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table_name), sql.SQL(", ").join(sql.Identifier(n) for n in names)
    )
    from psycopg.copy import QueuedLibpqWriter

    # A writer thread sends the data while this thread prepares the next rows.
    with (
        conn.connection.driver_connection.cursor() as cursor,
        cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy,
    ):
        yield copy


def copy_text(session: Session, table_name: str, names: list[str], chunks: Iterable[bytes]):
    """COPY rows already in COPY's text format (tab-separated, escaped, a line each) into a
    table, on the session's connection (inside its transaction). Chunks of many lines each."""
    with _copy(session.connection(), table_name, names) as copy:
        for chunk in chunks:
            copy.write(chunk)


def copy_cell(value) -> str:
    """A value in COPY's text format: \\N for NULL; tab, line ends and backslash escaped."""
    if value is None:
        return "\\N"
    if isinstance(value, enum.Enum):
        value = value.value
    elif hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    text = str(value)
    # Most cells need no escaping, and isprintable() (false for tab and line ends) is several
    # times cheaper than translate(): an import's preview writes a dozen cells per resident.
    if text.isprintable() and "\\" not in text:
        return text
    return text.translate(_COPY_ESCAPES)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def in_chunks(lines: Iterable[bytes], size: int = 1 << 20) -> Iterable[bytes]:
    """Lines joined into chunks of about `size` bytes (one write to COPY each)."""
    chunk: list[bytes] = []
    length = 0
    for line in lines:
        chunk.append(line)
        length += len(line)
        if length >= size:
            yield b"".join(chunk)
            chunk, length = [], 0
    if chunk:
        yield b"".join(chunk)
