"""A list's CSV export written by PostgreSQL itself: COPY (the list's query) TO STDOUT.

Who: anyone who may export a list (a director taking a year of tickets to a spreadsheet).
What changes for them: nothing but the wait. The file is the one the Python path writes, byte
for byte: the same rows of the same scoped, filtered, searched and sorted query, the same
column labels in their language, enum labels translated, ID numbers masked, every cell that a
spreadsheet would read as a formula prefixed with an apostrophe — each of those done in SQL
by the same rule as its Python twin (tests/test_export_copy.py compares them).

A column the database cannot write the same way (a formatter written in Python, a list of
records, a full ID number asked for on purpose) sends the whole export down the Python path
(panel/export_rows.py), as does SQLite.
"""

from __future__ import annotations

import sys
from functools import lru_cache

from flask import g
from flask_babel import gettext
from sqlalchemy import String, and_, case, cast, func, literal, literal_column, not_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import aliased
from sqlalchemy.sql import sqltypes

from admin_app.extensions import db
from admin_app.panel import flask_admin_private as private
from admin_app.panel.dates import DATE, DATETIME
from admin_app.panel.fields import EXPORT_FORMATTERS
from admin_app.panel.id_numbers import masked_or_full
from admin_app.services.spreadsheets import FORMULA_START, neutralise

# Python's strftime formats (panel/dates.py) as PostgreSQL's to_char patterns.
TO_CHAR = {"%Y-%m-%d %H:%M": "YYYY-MM-DD HH24:MI", "%Y-%m-%d": "YYYY-MM-DD"}
NUMBER_SQL = r"^[+-]?[0-9]+(\.[0-9]+)?$"  # services/spreadsheets._NUMBER, ASCII digits
BUFFER = 64 * 1024


# ---- the Python rules, in SQL ------------------------------------------------------------
def neutralise_sql(text):
    """services.spreadsheets.neutralise: an apostrophe before a cell that starts like a
    formula and is not a plain signed number."""
    return case(
        (
            and_(
                func.substr(text, 1, 1).in_(FORMULA_START),
                not_(text.regexp_match(NUMBER_SQL)),
            ),
            literal("'") + text,
        ),
        else_=text,
    )


# The characters str.strip() and str.split() take for space (tests/panel/test_export_copy.py
# checks the list against Python's own).
PYTHON_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _python_whitespace() -> str:
    return PYTHON_WHITESPACE


def _char_class(predicate) -> str:
    """A regex bracket expression of every code point the predicate accepts (as ranges)."""
    ranges, start, previous = [], None, None
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF or not predicate(chr(code)):
            continue
        if start is not None and code == previous + 1:
            previous = code
            continue
        if start is not None:
            ranges.append((start, previous))
        start = previous = code
    if start is not None:
        ranges.append((start, previous))

    def escaped(code: int) -> str:
        char = chr(code)
        return "\\" + char if char in "\\]^-[" else char

    return "".join(escaped(a) if a == b else f"{escaped(a)}-{escaped(b)}" for a, b in ranges)


@lru_cache(maxsize=1)
def _digits_class() -> str:
    return _char_class(str.isdigit)


def normalise_id_sql(value):
    """sensitive.normalise_id_number: stripped, upper-cased (Unicode's full mapping, as
    Python's), spaces removed."""
    stripped = func.btrim(func.coalesce(value, ""), _python_whitespace())
    upper = func.upper(stripped.collate("und-x-icu"))
    return func.replace(upper, " ", "")


def mask_sql(value):
    """sensitive.mask: the region and the last four characters stay, the rest become '*'."""
    v = normalise_id_sql(value)
    n = func.length(v)
    keep_head = func.least(case((n < 15, 3), else_=6), func.greatest(n - 8, 1))
    return case(
        (v == "", literal("")),
        (n <= 4, func.repeat("*", n)),
        (
            and_(n == 15, v.regexp_match(f"^[{_digits_class()}]+$")),
            func.concat(func.left(v, 6), func.repeat("*", 6), func.right(v, 3)),
        ),
        else_=func.concat(
            func.left(v, keep_head), func.repeat("*", n - keep_head - 4), func.right(v, 4)
        ),
    )


def _fold_sql(text):
    """validation.fold: NFKC, then runs of space made one and the ends trimmed (a text of
    ASCII letters and digits alone is its own fold: most buildings and rooms, at no cost)."""
    text = func.coalesce(text, "")
    folded = func.normalize(text, literal_column("NFKC"))
    squeezed = func.regexp_replace(folded, "[" + _bracketed(PYTHON_WHITESPACE) + "]+", " ", "g")
    return case((text.regexp_match("^[0-9A-Za-z]*$"), text), else_=func.btrim(squeezed, " "))


def _bracketed(chars: str) -> str:
    return "".join("\\" + c if c in "\\]^-[" else c for c in chars)


def _unit_part_sql(kind: str, t):
    """validation.unit_part(kind, text, label=True) of an already folded text."""
    from admin_app.validation import _KEPT_IN_LABELS, UNIT_SUFFIXES

    whens = [
        (
            and_(func.right(t, len(suffix)) == suffix, func.length(t) > len(suffix)),
            func.rtrim(func.left(t, -len(suffix)), " "),
        )
        for suffix in UNIT_SUFFIXES[kind]
        if suffix not in _KEPT_IN_LABELS
    ]
    return case(*whens, else_=t) if whens else t


def _template_sql(message: str, parts: dict):
    """gettext(message, **parts) with SQL parts: the translated template split at its
    placeholders."""
    markers = {name: f"\x00{name}\x00" for name in parts}
    text = gettext(message, **markers)
    pieces = text.split("\x00")
    expression = literal("")
    for i, piece in enumerate(pieces):
        if i % 2:
            expression = expression + parts[piece]
        elif piece:
            expression = expression + literal(piece)
    return expression


def unit_labels():
    """models.unit.unit_label of every unit, as a table (id, label): worked out once per unit,
    not once per row that names it, each part folded once (OFFSET 0 keeps PostgreSQL from
    pulling the folds up into every use)."""
    from admin_app.models import Unit

    folded = (
        select(
            Unit.id,
            _fold_sql(Unit.building).label("b"),
            _fold_sql(Unit.entrance).label("e"),
            _fold_sql(Unit.room).label("r"),
            Unit.entrance.label("raw_e"),
        )
        .offset(0)
        .subquery()
    )
    building = _unit_part_sql("building", folded.c.b)
    room = _unit_part_sql("room", folded.c.r)
    with_entrance = _template_sql(
        "Bldg %(building)s, Ent. %(entrance)s, Rm %(room)s",
        {"building": building, "entrance": _unit_part_sql("entrance", folded.c.e), "room": room},
    )
    without = _template_sql("Bldg %(building)s, Rm %(room)s", {"building": building, "room": room})
    label = case((func.coalesce(folded.c.raw_e, "") != "", with_entrance), else_=without)
    return select(folded.c.id, label.label("label")).subquery()


def _choice_label(column, enum_cls):
    """An enum's label in the reader's language (str(member))."""
    whens = [(column == member.value, literal(neutralise(str(member)))) for member in enum_cls]
    return case(*whens, else_=cast(column, String)) if whens else cast(column, String)


def _staff_label(alias):
    from admin_app.models import Staff

    role = _choice_label(alias.role, Staff.role.type.enum_class)
    return case(
        (alias.role.is_not(None), alias.name + " (" + role + ")"),
        else_=alias.name,
    )


def _resident_label(alias):
    return case(
        (func.coalesce(alias.phone, "") != "", alias.name + " (" + alias.phone + ")"),
        else_=alias.name,
    )


def _number(alias):
    return func.coalesce(alias.number, "")


def _name(alias):
    return func.coalesce(alias.name, "")


def record_tables() -> dict:
    """Records whose label costs enough to be worked out once each, as a table (id, label)."""
    from admin_app import models

    return {models.Unit: unit_labels}


@lru_cache(maxsize=1)
def record_labels() -> dict:
    """str(record) in SQL, for the records an export names (model -> alias -> expression)."""
    from admin_app import models

    labels = {
        models.Estate: lambda a: a.name,
        models.Staff: _staff_label,
        models.Resident: _resident_label,
        models.Ticket: _number,
        models.WorkOrder: _number,
        models.Renovation: _number,
    }
    for name in ("Department", "CashHandIn"):
        model = getattr(models, name, None)
        if model is not None:
            labels[model] = _name if name == "Department" else _number
    return labels


# ---- the cells of one export ---------------------------------------------------------------
class NotInSql(Exception):
    """A column the database cannot write as the Python path does."""


def _cell(view, name: str, joins: dict, query_box: list):
    model = view.model
    mapper = sa_inspect(model)
    formatter = (view.column_formatters_export or {}).get(name)
    if private.column_choices(view, name):
        raise NotInSql(name)
    if formatter is not None:
        if formatter is masked_or_full and not g.get("full_id_numbers"):
            return neutralise_sql(mask_sql(getattr(model, name)))
        raise NotInSql(name)
    if name in mapper.relationships:
        relationship = mapper.relationships[name]
        table = record_tables().get(relationship.mapper.class_)
        local = list(relationship.local_columns)
        if table is not None and not relationship.uselist and len(local) == 1:
            labels = table()
            query_box[0] = query_box[0].outerjoin(
                labels, labels.c.id == getattr(model, local[0].key)
            )
            return neutralise_sql(labels.c.label)
        label = record_labels().get(relationship.mapper.class_)
        if relationship.uselist or label is None:
            raise NotInSql(name)
        alias = aliased(relationship.mapper.class_)
        query_box[0] = query_box[0].outerjoin(alias, getattr(model, name).of_type(alias))
        return neutralise_sql(label(alias))
    if name not in mapper.columns:
        raise NotInSql(name)
    column = getattr(model, name)
    kind = mapper.columns[name].type
    enum_cls = getattr(kind, "enum_class", None)
    if enum_cls is not None:
        return _choice_label(column, enum_cls)
    if isinstance(kind, sqltypes.DateTime):
        return func.to_char(column, TO_CHAR[DATETIME])
    if isinstance(kind, sqltypes.Date):
        return func.to_char(column, TO_CHAR[DATE])
    if isinstance(kind, sqltypes.Boolean):
        yes, no = neutralise(gettext("Yes")), neutralise(gettext("No"))
        return case((column.is_(True), literal(yes)), (column.is_(False), literal(no)))
    if isinstance(kind, sqltypes.Numeric) and not isinstance(kind, sqltypes.Float):
        return cast(func.round(column, 2), String)
    if isinstance(kind, sqltypes.Integer):
        return cast(column, String)
    if isinstance(kind, sqltypes.String):  # Text too
        return neutralise_sql(column)
    raise NotInSql(name)


def copy_statement(view, query, names: list[str]) -> str | None:
    """COPY (…) TO STDOUT of the export's query with every cell as the Python path writes
    it, or None when a column cannot be written so."""
    if view.column_type_formatters_export is not EXPORT_FORMATTERS:
        return None  # a view with its own way of writing types: its cells are Python's
    box = [query]
    try:
        cells = [_cell(view, name, {}, box) for name in names]
    except NotInSql:
        return None
    # An empty text is written as NULL: COPY quotes an empty string ("") but writes a NULL
    # as nothing, which is how Python's csv writes an empty cell.
    select = box[0].with_entities(*(func.nullif(c, "") for c in cells)).statement
    dialect = db.session.get_bind().dialect
    compiled = select.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    processors = compiled._bind_processors
    params = {
        key: processors[key](value) if key in processors else value
        for key, value in compiled.params.items()
    }
    raw = db.session.connection().connection.driver_connection
    import psycopg

    sql = psycopg.ClientCursor(raw).mogrify(str(compiled), params)
    return f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"


def crlf_rows(chunks):
    """COPY ends a line with \\n, Python's csv with \\r\\n: the line ends (outside quotes,
    where a cell's own line breaks stay as typed) become \\r\\n. A quote toggles "inside";
    a doubled quote toggles twice."""
    inside = False
    for chunk in chunks:
        data = bytes(chunk)
        if b'"' not in data:
            yield data if inside else data.replace(b"\n", b"\r\n")
            continue
        parts = data.split(b'"')
        for i in range(len(parts)):
            if not inside:
                parts[i] = parts[i].replace(b"\n", b"\r\n")
            if i < len(parts) - 1:
                inside = not inside
        yield b'"'.join(parts)


def csv_stream(view, query, names: list[str], header_line: str):
    """The file's bytes, or None when the export is not written by the database."""
    if db.session.get_bind().dialect.name != "postgresql":
        return None
    statement = copy_statement(view, query, names)
    if statement is None:
        return None

    def body():
        yield header_line.encode()
        raw = db.session.connection().connection.driver_connection
        pending, size = [], 0
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for data in crlf_rows(copy):
                pending.append(data)
                size += len(data)
                if size >= BUFFER:
                    yield b"".join(pending)
                    pending, size = [], 0
        if pending:
            yield b"".join(pending)

    return body()
