"""Full ID-document numbers leave the panel only on purpose, and every time is recorded in the
history: who, when, which record, shown on screen or exported."""

from __future__ import annotations

from admin_app.extensions import db
from admin_app.services import history

SHOWN = "show_id_number"
EXPORTED = "export_id_number"


def show(record, actor) -> str | None:
    """The record's full number, for someone the caller has allowed to see it; recorded."""
    _record(SHOWN, record.__tablename__, [(record.id, record.estate_id)], actor)
    return record.id_number


def record_export(entity_type: str, records: list[tuple[int, int | None]], actor) -> None:
    """An export with full numbers: one history entry per record it holds, (id, estate_id)."""
    _record(EXPORTED, entity_type, records, actor)


def _record(action: str, entity_type: str, records, actor) -> None:
    actor_id = getattr(actor, "id", actor)
    history.write(
        db.session,
        [
            {
                "action": action,
                "actor_id": actor_id,
                "entity_type": entity_type,
                "entity_id": record_id,
                "estate_id": estate_id,
                "changes": {},
            }
            for record_id, estate_id in records
        ],
    )
