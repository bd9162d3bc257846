"""The preview's checked rows, kept for the commit (PostgreSQL).

The check (the dry run) cleans, matches and decides every row. On PostgreSQL it also keeps the
rows it would write, as COPY reads them: new residents with their ID numbers already encrypted,
changed ones with the changed columns, and each one's history entry. They are stored on the
import record (compressed and encrypted, like the uploaded file). Confirming then loads them
into a temporary table with one COPY and writes them with one INSERT … SELECT (one UPDATE … FROM
for changed residents) and one more for the history: no row is read, cleaned or matched again.

What the commit does check is that the estate is still the one the preview saw: its residents
and units (how many, the highest id, and the sum of PostgreSQL's row versions, xmin, which moves
with any insert or update) and its name and code, read before the preview read them. If any of
that moved, the commit falls back to the full re-check (operations.commit), which writes when
the outcome is still the one confirmed and asks again otherwise — today's behaviour.

Not kept, and so re-checked at commit as before: plans that create or change units (a unit
list, missing units created), and everything on SQLite (the embedded demo has no COPY).
"""

from __future__ import annotations

import json
import re
import zlib
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from admin_app import clock, sensitive
from admin_app.models.resident import Resident
from admin_app.residents.importing import writing
from admin_app.residents.importing.planning import Plan
from admin_app.services import history

FORMAT = 1
# What a kept new resident carries (the estate and timestamps are the commit's).
NEW_COLUMNS = (
    "unit_id",
    "name",
    "phone",
    "role",
    "move_in",
    "move_out",
    "email",
    "notes",
    "id_number_enc",
    "id_number_hash",
    "id_number_masked",
)
CHANGED_COLUMNS = tuple(writing.UPDATED_COLUMNS)
_TYPES = {"unit_id": "integer", "move_in": "date", "move_out": "date"}
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_SEQUENCE_NAME = re.compile(r"^[A-Za-z0-9_.\"]+$")
_CHUNK = 1 << 20


def usable(session: Session) -> bool:
    return session.connection().dialect.name == "postgresql"


def estate_state(session: Session, estate) -> list | None:
    """What the preview's decisions depend on besides the file: the estate's residents and
    units (count, highest id, sum of row versions) and its name and code. None on SQLite."""
    if not usable(session):
        return None
    state: list = [estate.name, estate.code]
    for table in ("resident", "unit"):
        found = session.execute(
            text(
                "SELECT count(*), coalesce(max(id), 0), coalesce(sum(xmin::text::bigint), 0)"  # noqa: S608 - our table names
                f" FROM {table} WHERE estate_id = :estate"
            ),
            {"estate": estate.id},
        ).one()
        state.extend(int(value) for value in found)
    return state


def keep(batch, plan: Plan, state: list | None) -> None:
    """Store the plan's writes on the batch for the commit (or nothing, when it will re-check)."""
    batch.staged = None
    if state is None or plan.new_units or plan.unit_updates:
        return
    if not (plan.creates or plan.updates):
        return
    id_columns = Resident.id_number_encoder()
    new_lines = []
    for row, unit_id in plan.creates:
        values = writing.new_resident(row, unit_id, batch.estate_id, id_columns)
        changes = writing.created_changes(values, batch.estate_id)
        new_lines.append(_line([values[name] for name in NEW_COLUMNS], changes))
    changed_lines = []
    for row, resident_id, diff in plan.updates:
        values = writing.changed_resident(row, resident_id, diff, id_columns)
        cells = [resident_id, *(values.get(name) for name in CHANGED_COLUMNS)]
        changed_lines.append(_line(cells, diff))
    new = "".join(new_lines).encode()
    changed = "".join(changed_lines).encode()
    header = {
        "format": FORMAT,
        "fingerprint": plan.fingerprint,
        "state": state,
        "new": [len(plan.creates), len(new)],
        "changed": [len(plan.updates), len(changed)],
    }
    body = json.dumps(header).encode() + b"\n" + new + changed
    batch.staged = sensitive.encrypt_bytes(zlib.compress(body, 1))


def write(session: Session, batch) -> dict[str, int] | None:
    """Write the kept rows, if they are still the right ones (call inside
    `history.action("import", …)`, after locking the estate); None when the commit must
    re-check."""
    if batch.staged is None or not usable(session):
        return None
    body = zlib.decompress(sensitive.decrypt_bytes(batch.staged))
    end = body.index(b"\n")
    header = json.loads(body[:end])
    if header.get("format") != FORMAT or header["fingerprint"] != batch.fingerprint:
        return None
    if header["state"] != estate_state(session, batch.estate):
        return None
    data = memoryview(body)[end + 1 :]
    new_count, new_size = header["new"]
    changed_count, changed_size = header["changed"]
    now = clock.now()
    if new_count:
        _create(session, data[:new_size], batch.estate_id, now)
    if changed_count:
        _change(session, data[new_size : new_size + changed_size], batch.estate_id, now)
    return {"units": 0, "units_updated": 0, "created": new_count, "updated": changed_count}


# ---- inside ------------------------------------------------------------------------------
def _line(cells: list, changes: dict) -> str:
    """One row in COPY's text format; the history's changes as bulk.py writes JSON."""
    out = [_cell(value) for value in cells]
    out.append(json.dumps(changes, ensure_ascii=False).translate(_COPY_ESCAPES))
    return "\t".join(out) + "\n"


def _cell(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value)).translate(_COPY_ESCAPES)


def _temporary(session: Session, name: str, columns: tuple, first: str) -> None:
    typed = ", ".join(f"{c} {_TYPES.get(c, 'text')}" for c in columns)
    session.execute(text(f"DROP TABLE IF EXISTS {name}"))
    session.execute(
        text(f"CREATE TEMPORARY TABLE {name} ({first}, {typed}, changes json) ON COMMIT DROP")
    )


def _copy(session: Session, name: str, columns: tuple, data: memoryview) -> None:
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor, cursor.copy(f"COPY {name} ({', '.join(columns)}, changes) FROM STDIN") as copy:
        for start in range(0, len(data), _CHUNK):
            copy.write(data[start : start + _CHUNK])


def _create(session: Session, data: memoryview, estate_id: int, now) -> None:
    sequence = session.execute(text("SELECT pg_get_serial_sequence('resident', 'id')")).scalar()
    if not _SEQUENCE_NAME.match(sequence or ""):
        raise RuntimeError(f"unexpected sequence name {sequence!r}")
    # The ids are drawn while COPY reads the rows, in the file's order (as the plain path does).
    _temporary(
        session, "_import_new", NEW_COLUMNS, f"id integer DEFAULT nextval('{sequence}'::regclass)"
    )
    _copy(session, "_import_new", NEW_COLUMNS, data)
    listed = ", ".join(NEW_COLUMNS)
    session.execute(
        text(
            f"INSERT INTO resident (id, estate_id, {listed}, created_at, updated_at)"  # noqa: S608
            f" SELECT id, :estate, {listed}, :now, :now FROM _import_new"
        ),
        {"estate": estate_id, "now": now},
    )
    history.write_selected(
        session,
        "SELECT 'resident', id, :estate, changes FROM _import_new",
        {"estate": estate_id},
    )
    session.execute(text("DROP TABLE _import_new"))


def _change(session: Session, data: memoryview, estate_id: int, now) -> None:
    _temporary(session, "_import_changed", CHANGED_COLUMNS, "id integer")
    _copy(session, "_import_changed", ("id", *CHANGED_COLUMNS), data)
    # An empty (NULL) value keeps what is stored, as bulk.update_rows does.
    assignments = ", ".join(f"{c} = COALESCE(u.{c}, t.{c})" for c in CHANGED_COLUMNS)
    session.execute(
        text(
            f"UPDATE resident AS t SET {assignments}, updated_at = :now"  # noqa: S608
            " FROM _import_changed AS u WHERE t.id = u.id"
        ),
        {"now": now},
    )
    history.write_selected(
        session,
        "SELECT 'resident', id, :estate, changes FROM _import_changed",
        {"estate": estate_id},
    )
    session.execute(text("DROP TABLE _import_changed"))
