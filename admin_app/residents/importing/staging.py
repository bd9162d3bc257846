"""The preview's checked rows, kept for the commit (PostgreSQL).

The check (the dry run) cleans, matches and decides every row. On PostgreSQL it also keeps the
rows it would write, as COPY reads them: new residents with their ID numbers already encrypted,
changed ones with the changed columns and each one's history entry. They are stored on the
import record (compressed and encrypted, like the uploaded file). Confirming then loads them
into a temporary table with one COPY (ids drawn from the sequence first) and writes them with
one INSERT … SELECT, and the import's one history line for them (writing.imported_line);
changed ones through a temporary table, one UPDATE … FROM and one COPY of their history: no
row is read, cleaned or matched again.

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
import zlib

from sqlalchemy import text
from sqlalchemy.orm import Session

from admin_app import clock, sensitive
from admin_app.models.resident import Resident
from admin_app.residents.importing import writing
from admin_app.residents.importing.planning import Plan
from admin_app.services import bulk, history

FORMAT = 3  # 3: no history row per new resident (0053_importprovenance)
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
SECTIONS = ("new", "changed", "changed_history")


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
    sections: dict[str, list[str]] = {name: [] for name in SECTIONS}
    for row, unit_id in plan.creates:
        values = writing.new_resident(row, unit_id, batch.estate_id, id_columns)
        sections["new"].append(_line(values[name] for name in NEW_COLUMNS))
    for row, resident_id, diff in plan.updates:
        values = writing.changed_resident(row, resident_id, diff, id_columns)
        sections["changed"].append(_line([resident_id, *(values.get(n) for n in CHANGED_COLUMNS)]))
        sections["changed_history"].append(_json(diff))
    encoded = {name: "".join(lines).encode() for name, lines in sections.items()}
    header = {
        "format": FORMAT,
        "fingerprint": plan.fingerprint,
        "state": state,
        "sizes": [len(encoded[name]) for name in SECTIONS],
    }
    body = b"".join([json.dumps(header).encode(), b"\n", *encoded.values()])
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
    sections, start = {}, end + 1
    for name, size in zip(SECTIONS, header["sizes"], strict=True):
        sections[name] = body[start : start + size].split(b"\n")[:-1]
        start += size
    now = bulk.copy_cell(clock.now()).encode()
    if sections["new"]:
        _create(session, sections["new"], batch, now)
    if sections["changed"]:
        _change(session, sections["changed"], sections["changed_history"], batch.estate_id, now)
    created, updated = len(sections["new"]), len(sections["changed"])
    return {"units": 0, "units_updated": 0, "created": created, "updated": updated}


# ---- inside ------------------------------------------------------------------------------
def _line(cells) -> str:
    return "\t".join(bulk.copy_cell(value) for value in cells) + "\n"


def _json(changes: dict) -> str:
    """The history's changes as bulk.py writes JSON, in COPY's text format."""
    return bulk.copy_cell(json.dumps(changes, ensure_ascii=False)) + "\n"


def _create(session: Session, rows: list, batch, now: bytes) -> None:
    # COPY into a temporary table, then INSERT … SELECT: COPY straight into the indexed
    # resident table took 3x as long as INSERT … SELECT of the same rows (41.8 s against
    # 12.7 s, load 16). The ids are drawn by COPY itself, row by row in the file's order (as
    # the plain path draws them): fetching 100,000 nextval() first cost a round trip of them.
    sequence = session.execute(text("SELECT pg_get_serial_sequence('resident', 'id')")).scalar()
    typed = ", ".join(f"{c} {_TYPES.get(c, 'text')}" for c in NEW_COLUMNS)
    session.execute(text("DROP TABLE IF EXISTS _import_new"))
    session.execute(
        text(
            "CREATE TEMPORARY TABLE _import_new (id integer NOT NULL DEFAULT nextval("
            f"'{sequence}'::regclass), {typed}) ON COMMIT DROP"
        )
    )
    lines = (row + b"\n" for row in rows)
    bulk.copy_text(session, "_import_new", list(NEW_COLUMNS), bulk.in_chunks(lines))
    listed = ", ".join(NEW_COLUMNS)
    session.execute(
        text(
            f"INSERT INTO resident (id, estate_id, import_batch_id, {listed}, created_at,"  # noqa: S608
            f" updated_at) SELECT id, :estate, :batch, {listed}, :now, :now FROM _import_new"
        ),
        {"estate": batch.estate_id, "batch": batch.id, "now": now.decode()},
    )
    history.write(session, [writing.imported_line(batch, len(rows))])
    session.execute(text("DROP TABLE _import_new"))


def _change(session: Session, rows: list, changes: list, estate_id: int, now: bytes) -> None:
    typed = ", ".join(f"{c} {_TYPES.get(c, 'text')}" for c in CHANGED_COLUMNS)
    session.execute(text("DROP TABLE IF EXISTS _import_changed"))
    session.execute(
        text(f"CREATE TEMPORARY TABLE _import_changed (id integer, {typed}) ON COMMIT DROP")
    )
    lines = (row + b"\n" for row in rows)
    bulk.copy_text(session, "_import_changed", ["id", *CHANGED_COLUMNS], bulk.in_chunks(lines))
    # An empty (NULL) value keeps what is stored, as bulk.update_rows does.
    assignments = ", ".join(f"{c} = COALESCE(u.{c}, t.{c})" for c in CHANGED_COLUMNS)
    session.execute(
        text(
            f"UPDATE resident AS t SET {assignments}, updated_at = :now"  # noqa: S608
            " FROM _import_changed AS u WHERE t.id = u.id"
        ),
        {"now": now.decode()},
    )
    session.execute(text("DROP TABLE _import_changed"))
    ids = (int(row.split(b"\t", 1)[0]) for row in rows)
    history.copy_rows(session, "resident", estate_id, zip(ids, changes, strict=True))
