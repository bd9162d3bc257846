"""The archive's verbs: add a document to a household's file, open one (recorded).

Other domains (move-in, renovations) call `add_document`; the file is checked by its content
with the attachments' checker (images re-encoded, PDFs parsed), never a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, lazyload

from admin_app import clock, sensitive
from admin_app.attachments.content import check
from admin_app.auth.permissions import may
from admin_app.auth.scope import estate_allowed
from admin_app.extensions import db
from admin_app.models import AuditRecord, DocumentKind, HouseholdDocument, Resident, Unit
from admin_app.services import history, storage
from admin_app.services.errors import Forbidden, NotFound, ServiceError
from admin_app.services.first_rows import Counted

NOTE_MAX = 200
OPENED = "open_document"
# ID copies are personal data: opened only by whoever may see full ID numbers.
PERSONAL = frozenset({DocumentKind.id_copy})


@dataclass(frozen=True)
class Opened:
    data: bytes
    content_type: str
    filename: str
    inline: bool  # an image is shown; a PDF only downloaded


def may_add(actor, unit: Unit) -> bool:
    return may(actor, "household_document.add") and estate_allowed(actor, unit.estate_id)


def may_open(actor, document: HouseholdDocument) -> bool:
    if not (may(actor, "household_document.open") and estate_allowed(actor, document.estate_id)):
        return False
    return document.kind not in PERSONAL or may(actor, "resident.show_id_number")


def may_see_openings(actor) -> bool:
    return may(actor, "household_document.see_openings")


def _kind(kind) -> DocumentKind:
    try:
        return DocumentKind(kind)
    except ValueError:
        raise ServiceError(_l("Choose what kind of document this is.")) from None


def add_document(
    unit: Unit,
    resident: Resident | None = None,
    *,
    kind,
    data: bytes,
    filename: str,
    actor,
    document_date: date | None = None,
    note: str | None = None,
) -> HouseholdDocument:
    """Check the file by its content, store it (an ID copy encrypted) and file it in the
    unit's archive; a refusal raises and stores nothing. The caller commits."""
    if unit is None or not estate_allowed(actor, unit.estate_id):
        raise NotFound(_l("The record was not found."))
    if not may(actor, "household_document.add"):
        raise Forbidden(_l("Your role may not add documents to a household's file."))
    if resident is not None and resident.unit_id != unit.id:
        raise ServiceError(_l("The resident does not live in this unit."))
    kind = _kind(kind)
    if kind in PERSONAL and not may(actor, "resident.show_id_number"):
        # Whoever files an ID copy could open it again: the same people who see ID numbers.
        raise Forbidden(_l("Only a supervisor may file an ID copy."))
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        raise ServiceError(_l("The note is longer than %(max)s characters."), max=NOTE_MAX)
    document_date = document_date or clock.today()
    if document_date > clock.today():
        raise ServiceError(_l("The document's date cannot be in the future."))
    config = current_app.config
    checked = check(
        data,
        filename,
        max_bytes=config["ATTACHMENT_MAX_BYTES"],
        max_px=config["ATTACHMENT_IMAGE_MAX_PX"],
    )
    encrypted = kind in PERSONAL
    with history.action("add_document", actor=actor):
        stored = storage.save_file(
            sensitive.encrypt_bytes(checked.data) if encrypted else checked.data,
            content_type=checked.content_type,
            filename=checked.filename,
            estate_id=unit.estate_id,
            created_by_id=actor.id,
        )
        document = HouseholdDocument(
            estate_id=unit.estate_id,
            unit_id=unit.id,
            resident_id=resident.id if resident is not None else None,
            kind=kind,
            document_date=document_date,
            stored_file_id=stored.id,
            filename=checked.filename,
            content_type=checked.content_type,
            encrypted=encrypted,
            note=note,
            created_by_id=actor.id,
        )
        db.session.add(document)
        db.session.flush()
    return document


def open_document(document: HouseholdDocument, actor) -> Opened:
    """The document's bytes for someone who may open it; every opening is recorded (who, when)
    in the history, where supervisors read it. The caller commits."""
    if document is None or not estate_allowed(actor, document.estate_id):
        raise NotFound(_l("The document was not found."))
    if not may_open(actor, document):
        raise Forbidden(_l("Your role may not open this document."))
    stored = storage.load(document.stored_file_id)
    if stored is None:
        raise NotFound(_l("The document was not found."))
    data = storage.read(stored)
    if document.encrypted:
        data = sensitive.decrypt_bytes(data)
    history.write(
        db.session,
        [
            {
                "action": OPENED,
                "actor_id": actor.id,
                "entity_type": HouseholdDocument.__tablename__,
                "entity_id": document.id,
                "estate_id": document.estate_id,
                "changes": {},
            }
        ],
    )
    return Opened(
        data=data,
        content_type=document.content_type,
        filename=document.filename or f"document-{document.id}",
        inline=document.is_image,
    )


def documents_of(
    unit_id: int, resident_id: int | None = None, limit: int | None = None
) -> list[HouseholdDocument]:
    """A unit's documents (a resident's page: the resident's and the whole household's), the
    newest first; the newest `limit` of them when given."""
    # With whom each concerns and who filed it (the page names both), nothing else.
    query = (
        db.session.query(HouseholdDocument)
        .options(
            lazyload("*"),
            joinedload(HouseholdDocument.resident).lazyload("*"),
            joinedload(HouseholdDocument.created_by).lazyload("*"),
        )
        .filter(HouseholdDocument.unit_id == unit_id)
    )
    if resident_id is not None:
        query = query.filter(
            (HouseholdDocument.resident_id == resident_id) | HouseholdDocument.resident_id.is_(None)
        )
    query = query.order_by(HouseholdDocument.document_date.desc(), HouseholdDocument.id.desc())
    return query.limit(limit).all()


OPENINGS_SHOWN = 5


def openings(documents, latest: int = OPENINGS_SHOWN) -> dict[int, Counted]:
    """Who opened each document and when, the newest `latest` of each with the count of all
    (for supervisors): one query, however often the documents were opened."""
    ids = [d.id for d in documents]
    if not ids:
        return {}
    newest_first = (AuditRecord.at.desc(), AuditRecord.id.desc())
    ranked = (
        select(
            AuditRecord.id,
            func.row_number()
            .over(partition_by=AuditRecord.entity_id, order_by=newest_first)
            .label("place"),
            func.count().over(partition_by=AuditRecord.entity_id).label("total"),
        )
        .where(
            AuditRecord.entity_type == HouseholdDocument.__tablename__,
            AuditRecord.entity_id.in_(ids),
            AuditRecord.action == OPENED,
        )
        .subquery()
    )
    rows = (
        db.session.query(AuditRecord, ranked.c.total)
        .join(ranked, ranked.c.id == AuditRecord.id)
        .options(joinedload(AuditRecord.actor).lazyload("*"))
        .filter(ranked.c.place <= latest)
        .order_by(*newest_first)
    )
    found = {pk: Counted() for pk in ids}
    for row, total in rows:
        found[row.entity_id].append(row)
        found[row.entity_id].count = total
    return found
